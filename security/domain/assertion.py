"""Rules of a SMART Backend Services client assertion (RFC 7523 private_key_jwt), on decoded JSON.

The signature is checked by an adapter; these rules decide everything else: the header's
algorithm and key id, and the claims ``iss = sub = client_id``, ``aud`` = our token URL,
``exp`` in the future but at most five minutes ahead, a ``jti`` to refuse replays.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from security.domain.errors import invalid_client

ALGORITHMS = frozenset({"RS384", "ES384"})
MAX_LIFETIME_S = 300  # SMART: exp no more than five minutes in the future
MAX_JTI_LENGTH = 255
MAX_KID_LENGTH = 200


@dataclass(frozen=True)
class AssertionHeader:
    alg: str
    kid: str
    jku: str | None


@dataclass(frozen=True)
class ValidAssertion:
    client_id: str
    jti: str
    exp: int


def check_header(header: Mapping[str, Any]) -> AssertionHeader:
    alg, kid, jku = header.get("alg"), header.get("kid"), header.get("jku")
    if alg not in ALGORITHMS:
        raise invalid_client(f"assertion alg must be one of {', '.join(sorted(ALGORITHMS))}")
    if not isinstance(kid, str) or not kid or len(kid) > MAX_KID_LENGTH:
        raise invalid_client("assertion header needs the kid of a registered key")
    if jku is not None and not isinstance(jku, str):
        raise invalid_client("assertion header jku must be a URL")
    return AssertionHeader(alg=str(alg), kid=kid, jku=jku)


def _number(claims: Mapping[str, Any], name: str) -> int | None:
    value = claims.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise invalid_client(f"assertion {name} must be a NumericDate")
    if isinstance(value, float) and not math.isfinite(value):  # (an int may be too large for a float)
        raise invalid_client(f"assertion {name} must be a NumericDate")  # NaN and Infinity are not dates
    return int(value)


def check_claims(claims: Mapping[str, Any], *, client_id: str, token_url: str, now: int, skew_s: int) -> ValidAssertion:
    """Every claim rule, given a verified signature and the current time (seconds since the epoch)."""
    if claims.get("iss") != client_id or claims.get("sub") != client_id:
        raise invalid_client("assertion iss and sub must both be the client_id")
    aud = claims.get("aud")
    audiences = aud if isinstance(aud, list) else [aud]
    if token_url not in audiences:
        raise invalid_client(f"assertion aud must be the token endpoint {token_url}")
    exp = _number(claims, "exp")
    if exp is None:
        raise invalid_client("assertion exp is required")
    if exp <= now - skew_s:
        raise invalid_client("assertion has expired")
    if exp > now + MAX_LIFETIME_S + skew_s:
        raise invalid_client(f"assertion exp must be at most {MAX_LIFETIME_S} seconds ahead")
    for name in ("nbf", "iat"):
        at = _number(claims, name)
        if at is not None and at > now + skew_s:
            raise invalid_client(f"assertion {name} is in the future")
    jti = claims.get("jti")
    if not isinstance(jti, str) or not jti or len(jti) > MAX_JTI_LENGTH:
        raise invalid_client(f"assertion jti is required (a unique string of at most {MAX_JTI_LENGTH} characters)")
    return ValidAssertion(client_id=client_id, jti=jti, exp=exp)
