"""The whole assertion check with real signatures, an in-memory jti register and JWKS source."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import RSAAlgorithm

from security.assertions import AssertionVerifier
from security.domain.errors import OAuthError, OAuthErrorCode
from security.domain.keysets import KeySet
from security.domain.lifecycle import PartnerStatus
from security.domain.partner import Partner
from security.principal import Scope
from tests.support.partners import public_jwks

URL = "https://exchange.example/auth/token"
JWKS_URL = "https://keys.payer-b.example/jwks.json"


class Jtis:
    def __init__(self) -> None:
        self.seen: set[tuple[str, str]] = set()

    def first_use(self, client_id: str, jti: str, exp: int) -> bool:
        fresh = (client_id, jti) not in self.seen
        self.seen.add((client_id, jti))
        return fresh


class Published:
    """What the partner serves at its JWKS URL; counts fetches."""

    def __init__(self, jwks: dict[str, Any]) -> None:
        self.jwks, self.fetches = jwks, 0

    def get(self, url: str, *, refresh: bool = False) -> dict[str, Any]:
        assert url == JWKS_URL
        self.fetches += 1
        return self.jwks


EC_KEY = ec.generate_private_key(ec.SECP384R1())
RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def rsa_jwks(kid: str) -> dict[str, Any]:
    import json

    return {"keys": [{**json.loads(RSAAlgorithm.to_jwk(RSA_KEY.public_key())), "kid": kid}]}


def partner(*sets: KeySet) -> Partner:
    return Partner("payer-b", "Payer B", "client-b", PartnerStatus.ACTIVE, frozenset({Scope.EXPORT}), (), sets)


def sign(key: Any = EC_KEY, alg: str = "ES384", header: dict[str, Any] | None = None, **claims: Any) -> str:
    now = int(time.time())
    body = {"iss": "client-b", "sub": "client-b", "aud": URL, "exp": now + 200, "jti": f"j-{time.monotonic_ns()}"}
    return jwt.encode(body | claims, key, algorithm=alg, headers={"kid": "ec-1"} | (header or {}))


def verify(assertion: str, who: Partner, jtis: Jtis | None = None, published: Published | None = None) -> Partner:
    verifier = AssertionVerifier(published or Published({"keys": []}), jtis or Jtis(), skew_s=5)
    found, _ = verifier.verify(assertion, token_url=URL, lookup=lambda cid: who if cid == who.client_id else None)
    return found


def refused(assertion: str, who: Partner, **kw: Any) -> str:
    with pytest.raises(OAuthError) as err:
        verify(assertion, who, **kw)
    assert err.value.code is OAuthErrorCode.INVALID_CLIENT
    return err.value.description


INLINE = KeySet("k1", jwks=public_jwks(EC_KEY, "ec-1"))


def test_an_assertion_signed_with_the_registered_key_passes() -> None:
    assert verify(sign(), partner(INLINE)).partner_id == "payer-b"


def test_an_rsa_key_verifies_rs384() -> None:
    assert verify(sign(RSA_KEY, "RS384", {"kid": "rsa-1"}), partner(KeySet("k2", jwks=rsa_jwks("rsa-1")))).client_id


def test_bad_signature_wrong_key_type_and_unknown_kid_are_refused() -> None:
    other = ec.generate_private_key(ec.SECP384R1())
    assert "signature does not verify" in refused(sign(other), partner(INLINE))
    assert "not an RS384 key" in refused(sign(RSA_KEY, "RS384"), partner(INLINE))
    assert "no registered key has kid 'nope'" in refused(sign(header={"kid": "nope"}), partner(INLINE))


def test_a_replayed_jti_is_refused() -> None:
    jtis, assertion = Jtis(), sign(jti="same")
    verify(assertion, partner(INLINE), jtis)
    assert "already used" in refused(assertion, partner(INLINE), jtis=jtis)


def test_keys_come_from_the_registered_url_and_jku_must_equal_it() -> None:
    published = Published(public_jwks(EC_KEY, "ec-1"))
    by_url = partner(KeySet("k3", jwks_url=JWKS_URL))
    assert verify(sign(header={"jku": JWKS_URL}), by_url, published=published)
    assert verify(sign(), by_url, published=published)
    assert "registered JWKS URL" in refused(sign(header={"jku": "https://evil.example/jwks.json"}), by_url)
    assert "registered JWKS URL" in refused(sign(header={"jku": JWKS_URL}), partner(INLINE))


def test_an_unknown_kid_refetches_the_partner_s_url_once() -> None:
    published = Published({"keys": []})
    with pytest.raises(OAuthError):
        verify(sign(), partner(KeySet("k3", jwks_url=JWKS_URL)), published=published)
    assert published.fetches == 2


def test_keys_of_an_ended_rotation_no_longer_verify_but_those_in_overlap_do() -> None:
    new_key = ec.generate_private_key(ec.SECP384R1())
    current = KeySet("new", jwks=public_jwks(new_key, "ec-2"))
    soon = datetime.now(UTC) + timedelta(minutes=5)
    past = datetime.now(UTC) - timedelta(seconds=1)
    assert verify(sign(), partner(current, KeySet("k1", jwks=INLINE.jwks, valid_until=soon)))
    assert verify(
        sign(new_key, header={"kid": "ec-2"}), partner(current, KeySet("k1", jwks=INLINE.jwks, valid_until=past))
    )
    assert "no registered key" in refused(sign(), partner(current, KeySet("k1", jwks=INLINE.jwks, valid_until=past)))


def test_unknown_clients_and_garbage_are_refused() -> None:
    assert "unknown client" in refused(sign(iss="client-x"), partner(INLINE))
    with pytest.raises(OAuthError) as err:
        verify("garbage", partner(INLINE))
    assert err.value.code is OAuthErrorCode.INVALID_REQUEST
