"""What our access tokens say, and how a verified token's claims become a Principal."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from security.domain.scopes import as_text, known
from security.principal import ROLE_SCOPES, Principal, Role

TOKEN_TYPE = "at+jwt"  # RFC 9068 header typ, so a client assertion can never pass for an access token


class InvalidAccessToken(ValueError):
    """The token's claims do not describe a principal (its signature and expiry are checked elsewhere)."""


def claims_for(principal: Principal, *, issuer: str, now: int, ttl_s: int) -> dict[str, Any]:
    return {
        "iss": issuer, "aud": issuer, "sub": principal.subject, "role": principal.role.value,
        "client_id": principal.client_id, "scope": as_text(principal.scopes),
        "org": [list(pair) for pair in principal.organization_identifiers],
        "jti": principal.token_id, "iat": now, "exp": now + ttl_s,
    }  # fmt: skip


def principal_from(claims: Mapping[str, Any]) -> Principal:
    try:
        role = Role(claims["role"])
        subject, client_id, scope = claims["sub"], claims["client_id"], claims["scope"]
        org = tuple((str(system), str(value)) for system, value in claims.get("org") or [])
    except (KeyError, ValueError, TypeError):
        raise InvalidAccessToken("the token does not carry a role, subject, client and scopes") from None
    if not all(isinstance(v, str) and v for v in (subject, client_id, scope)):
        raise InvalidAccessToken("the token's subject, client and scopes must be text")
    return Principal(
        subject=subject,
        role=role,
        client_id=client_id,
        scopes=known(scope.split(" ")) & ROLE_SCOPES[role],
        organization_identifiers=org,
        token_id=str(claims.get("jti", "")),
    )
