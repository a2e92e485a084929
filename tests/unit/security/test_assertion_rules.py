"""Claim and header rules of a client assertion (signature checked elsewhere)."""

from typing import Any

import pytest

from security.domain.assertion import check_claims, check_header
from security.domain.errors import OAuthError, OAuthErrorCode

NOW = 1_800_000_000
URL = "https://exchange.example/auth/token"


def claims(**changes: Any) -> dict[str, Any]:
    base = {"iss": "client-1", "sub": "client-1", "aud": URL, "exp": NOW + 240, "jti": "j-1", "iat": NOW}
    return {k: v for k, v in (base | changes).items() if v is not None}


def refused(**changes: Any) -> str:
    with pytest.raises(OAuthError) as err:
        check_claims(claims(**changes), client_id="client-1", token_url=URL, now=NOW, skew_s=10)
    assert err.value.code is OAuthErrorCode.INVALID_CLIENT and err.value.status == 401
    return err.value.description


def test_a_valid_assertion_passes() -> None:
    valid = check_claims(claims(), client_id="client-1", token_url=URL, now=NOW, skew_s=10)
    assert (valid.client_id, valid.jti, valid.exp) == ("client-1", "j-1", NOW + 240)


def test_aud_may_be_a_list_holding_the_token_url() -> None:
    check_claims(claims(aud=["x", URL]), client_id="client-1", token_url=URL, now=NOW, skew_s=0)


@pytest.mark.parametrize(
    ("changes", "why"),
    [
        ({"exp": NOW - 11}, "expired"),
        ({"exp": NOW + 311}, "at most 300 seconds"),
        ({"exp": None}, "exp is required"),
        ({"exp": "soon"}, "NumericDate"),
        ({"exp": True}, "NumericDate"),
        ({"exp": float("nan")}, "NumericDate"),
        ({"exp": float("inf")}, "NumericDate"),
        ({"iat": float("nan")}, "NumericDate"),
        ({"nbf": float("-inf")}, "NumericDate"),
        ({"exp": 10**400}, "at most 300 seconds"),  # a whole number, however large, is a date (far ahead)
        ({"aud": "https://other.example/token"}, "aud must be"),
        ({"aud": None}, "aud must be"),
        ({"iss": "client-2"}, "iss and sub"),
        ({"sub": "client-2"}, "iss and sub"),
        ({"jti": None}, "jti is required"),
        ({"jti": ""}, "jti is required"),
        ({"jti": "j" * 256}, "jti is required"),
        ({"jti": 7}, "jti is required"),
        ({"nbf": NOW + 60}, "nbf is in the future"),
        ({"iat": NOW + 60}, "iat is in the future"),
    ],
)
def test_each_broken_claim_is_refused_with_its_reason(changes: dict[str, Any], why: str) -> None:
    assert why in refused(**changes)


def test_clock_skew_is_tolerated_at_both_ends() -> None:
    check_claims(claims(exp=NOW - 9), client_id="client-1", token_url=URL, now=NOW, skew_s=10)
    check_claims(claims(exp=NOW + 310), client_id="client-1", token_url=URL, now=NOW, skew_s=10)


@pytest.mark.parametrize(
    ("header", "why"),
    [
        ({"alg": "RS256", "kid": "k"}, "alg must be"),
        ({"alg": "none", "kid": "k"}, "alg must be"),
        ({"alg": "HS384", "kid": "k"}, "alg must be"),
        ({"alg": "ES384"}, "kid"),
        ({"alg": "ES384", "kid": ""}, "kid"),
        ({"alg": "ES384", "kid": "k", "jku": 5}, "jku"),
    ],
)
def test_header_rules(header: dict[str, Any], why: str) -> None:
    with pytest.raises(OAuthError, match=why):
        check_header(header)


def test_a_good_header_keeps_alg_kid_and_jku() -> None:
    header = check_header({"alg": "RS384", "kid": "k1", "jku": "https://keys.example/jwks"})
    assert (header.alg, header.kid, header.jku) == ("RS384", "k1", "https://keys.example/jwks")
