"""Our access tokens: JWTs (RFC 9068 ``at+jwt``) signed with the service key, verified on every request."""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections import OrderedDict

import jwt

from security.domain.access_tokens import TOKEN_TYPE, InvalidAccessToken, claims_for, principal_from
from security.keys import ALGORITHM, SigningKey
from security.principal import ROLE_SCOPES, Principal, Role

PERSON_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9 .@_'-]{0,99}")
PERSON_CLIENT_ID = "p2p-cli"
MAX_TOKEN_LENGTH = 8192
# Verified tokens remembered per process, so a partner's burst pays for one ES384 signature
# check (about 1.4 ms) instead of one per request; an entry is dropped at its token's expiry.
VERIFIED_CACHE_SIZE = 10_000


class AccessTokens:
    def __init__(self, key: SigningKey, issuer: str, skew_s: int) -> None:
        self._key, self._issuer, self._skew_s = key, issuer, skew_s
        self._verified: OrderedDict[str, tuple[Principal, float]] = OrderedDict()
        self._lock = threading.Lock()

    def issue(self, principal: Principal, ttl_s: int) -> tuple[str, Principal]:
        """A signed token for ``principal`` (given a fresh token id) and the principal it stands for."""
        holder = Principal(
            subject=principal.subject, role=principal.role, client_id=principal.client_id,
            scopes=principal.scopes & ROLE_SCOPES[principal.role],
            organization_identifiers=principal.organization_identifiers, token_id=str(uuid.uuid4()),
        )  # fmt: skip
        claims = claims_for(holder, issuer=self._issuer, now=int(time.time()), ttl_s=ttl_s)
        return self._key.sign(claims, typ=TOKEN_TYPE), holder

    def verify(self, token: str) -> Principal:
        """The principal of a valid token; ``InvalidAccessToken`` (with a reason safe to show) otherwise.
        A token verified before is recognised by its exact text until it expires."""
        with self._lock:
            known = self._verified.get(token)
            if known is not None:
                if time.time() < known[1] + self._skew_s:
                    self._verified.move_to_end(token)
                    return known[0]
                del self._verified[token]
        principal, expires = self._verify(token)
        with self._lock:
            self._verified[token] = (principal, expires)
            if len(self._verified) > VERIFIED_CACHE_SIZE:
                self._verified.popitem(last=False)
        return principal

    def _verify(self, token: str) -> tuple[Principal, float]:
        if len(token) > MAX_TOKEN_LENGTH:
            raise InvalidAccessToken("the token is too long")
        try:
            if jwt.get_unverified_header(token).get("typ") != TOKEN_TYPE:
                raise InvalidAccessToken("not an access token of this service")
            claims = jwt.decode(
                token, self._key.private_key.public_key(), algorithms=[ALGORITHM], audience=self._issuer,
                issuer=self._issuer, leeway=self._skew_s, options={"require": ["exp", "iat", "sub", "jti"]},
            )  # fmt: skip
        except jwt.ExpiredSignatureError:
            raise InvalidAccessToken("the token has expired") from None
        except jwt.InvalidTokenError:
            raise InvalidAccessToken("the token is not valid") from None
        return principal_from(claims), float(claims["exp"])


def person_principal(role: Role, name: str) -> Principal:
    """A steward or operator, for `p2p token issue`: every scope of the role, no partner behind it."""
    if role is Role.PARTNER:
        raise ValueError("partners obtain tokens from POST /auth/token with their own key")
    if not PERSON_NAME.fullmatch(name):
        raise ValueError("a name is 1-100 letters, digits, spaces or . @ _ ' -, starting with a letter or digit")
    return Principal(subject=name, role=role, client_id=PERSON_CLIENT_ID, scopes=ROLE_SCOPES[role])
