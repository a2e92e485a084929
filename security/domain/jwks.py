"""Rules for a partner's public keys: what a registered JWKS may hold, and which JWKS URLs we fetch."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

MAX_KEYS = 20
MIN_RSA_BITS = 2048
PRIVATE_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})
KEY_ALGS = {"RSA": "RS384", "EC": "ES384"}


class JwksError(ValueError):
    """A JWKS (or a JWKS URL) that cannot be registered or used."""


def _rsa_bits(n: object) -> int:
    if not isinstance(n, str):
        raise JwksError("an RSA key needs its modulus n")
    try:
        raw = base64.urlsafe_b64decode(n + "=" * (-len(n) % 4))
    except (binascii.Error, ValueError):
        raise JwksError("an RSA key's n is not base64url") from None
    return len(raw.lstrip(b"\0")) * 8


def _check_key(key: Any) -> dict[str, Any]:
    if not isinstance(key, dict):
        raise JwksError("each key must be a JSON object")
    kid, kty = key.get("kid"), key.get("kty")
    if not isinstance(kid, str) or not kid:
        raise JwksError("each key needs a kid")
    if PRIVATE_MEMBERS & key.keys():
        raise JwksError(f"key {kid} holds private key material; register the public key only")
    if kty not in KEY_ALGS:
        raise JwksError(f"key {kid}: kty must be RSA or EC")
    if key.get("alg") not in (None, KEY_ALGS[kty]):
        raise JwksError(f"key {kid}: alg must be {KEY_ALGS[kty]} for a {kty} key")
    if key.get("use") not in (None, "sig"):
        raise JwksError(f"key {kid}: use must be sig")
    if kty == "EC" and (key.get("crv") != "P-384" or not key.get("x") or not key.get("y")):
        raise JwksError(f"key {kid}: an EC key must be on P-384 (ES384) with x and y")
    if kty == "RSA" and (_rsa_bits(key.get("n")) < MIN_RSA_BITS or not key.get("e")):
        raise JwksError(f"key {kid}: an RSA key needs e and a modulus of at least {MIN_RSA_BITS} bits")
    return dict(key)


def check_jwks(jwks: Any) -> dict[str, Any]:
    """A JWKS fit to verify client assertions: public RS384/ES384 signing keys with unique kids."""
    if not isinstance(jwks, Mapping) or not isinstance(jwks.get("keys"), list) or not jwks["keys"]:
        raise JwksError('a JWKS is a JSON object {"keys": [...]} with at least one key')
    if len(jwks["keys"]) > MAX_KEYS:
        raise JwksError(f"a JWKS may hold at most {MAX_KEYS} keys")
    keys = [_check_key(k) for k in jwks["keys"]]
    kids = [k["kid"] for k in keys]
    if len(set(kids)) != len(kids):
        raise JwksError("each kid must be unique within the JWKS")
    return {"keys": keys}


def key_for(jwks: Mapping[str, Any], kid: str) -> dict[str, Any] | None:
    return next((dict(k) for k in jwks.get("keys", []) if k.get("kid") == kid), None)


def url_allowed(url: str, allowlist: Iterable[str]) -> bool:
    """True when ``url`` starts with an allow-list entry at a path boundary (no userinfo, no fragment).

    ``https://keys.example/`` allows ``https://keys.example/partner/jwks.json`` but an entry never
    matches another host that merely begins with the same letters.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname or parts.username or parts.fragment:
        return False
    for entry in allowlist:
        if url == entry or (url.startswith(entry) and (entry.endswith("/") or url[len(entry)] in "/?")):
            return True
    return False
