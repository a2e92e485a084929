"""What a registered JWKS may hold, which JWKS URLs are fetched, and key sets across rotations."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from security.domain.jwks import JwksError, check_jwks, url_allowed
from security.domain.keysets import KeySet, allowed_jku, rotate, usable
from tests.support.partners import public_jwks

GOOD = public_jwks(ec.generate_private_key(ec.SECP384R1()), "k1")["keys"][0]


def with_key(**changes: Any) -> dict[str, Any]:
    return {"keys": [{k: v for k, v in (GOOD | changes).items() if v is not None}]}


def test_a_public_p384_key_is_accepted() -> None:
    assert check_jwks(with_key())["keys"][0]["kid"] == "k1"


@pytest.mark.parametrize(
    ("jwks", "why"),
    [
        ({"keys": []}, "at least one key"),
        ([GOOD], "JSON object"),
        (with_key(d="private"), "private key material"),
        (with_key(kid=None), "needs a kid"),
        (with_key(kty="oct"), "kty must be RSA or EC"),
        (with_key(crv="P-256"), "P-384"),
        (with_key(alg="RS384"), "alg must be ES384"),
        (with_key(use="enc"), "use must be sig"),
        ({"keys": [GOOD, GOOD]}, "unique"),
        ({"keys": [{"kty": "RSA", "kid": "r", "n": "AQAB" * 10, "e": "AQAB"}]}, "at least 2048 bits"),
    ],
)
def test_keys_that_cannot_verify_assertions_safely_are_refused(jwks: Any, why: str) -> None:
    with pytest.raises(JwksError, match=why):
        check_jwks(jwks)


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://keys.payer-b.example/jwks.json", True),
        ("https://keys.payer-b.example", True),
        ("https://keys.payer-b.example.evil.net/jwks.json", False),
        ("https://user@keys.payer-b.example/jwks.json", False),
        ("http://keys.payer-b.example/jwks.json", False),
        ("https://other.example/jwks.json", False),
        ("file:///etc/passwd", False),
        ("https://cdn.example/payer-b/jwks.json", True),
        ("https://cdn.example/payer-bb/jwks.json", False),
    ],
)
def test_jwks_urls_must_start_with_an_allow_list_entry_at_a_boundary(url: str, allowed: bool) -> None:
    assert url_allowed(url, ["https://keys.payer-b.example", "https://cdn.example/payer-b/"]) is allowed


NOW = datetime(2030, 1, 1, tzinfo=UTC)


def test_rotation_keeps_the_old_set_for_the_overlap_and_drops_ended_ones() -> None:
    first = KeySet("a", jwks_url="https://k.example/1")
    second = rotate([first], KeySet("b", jwks_url="https://k.example/2"), NOW, timedelta(hours=1))
    assert [(s.keys_id, s.valid_until) for s in second] == [("b", None), ("a", NOW + timedelta(hours=1))]
    later = NOW + timedelta(hours=2)
    third = rotate(second, KeySet("c", jwks={"keys": [GOOD]}), later, timedelta(0))
    assert [s.keys_id for s in usable(third, later)] == ["c"]
    assert allowed_jku(usable(second, NOW), "https://k.example/1") is not None
    assert allowed_jku(usable(second, later), "https://k.example/1") is None


def test_a_key_set_is_inline_or_a_url_not_both() -> None:
    with pytest.raises(JwksError):
        KeySet("x", jwks={"keys": [GOOD]}, jwks_url="https://k.example/1")
    with pytest.raises(JwksError):
        KeySet("x")
