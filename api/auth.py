"""Authentication and authorisation of every protected route: ``require(scope)`` yields the caller's Principal.

    principal: Annotated[Principal, require(Scope.MEMBER_MATCH)]

No, malformed, forged or expired token: 401 with ``WWW-Authenticate``. A valid token without
the scope, or a partner that is no longer active: 403. Too many requests: 429 with
``Retry-After``. Each is a FHIR OperationOutcome (see ``api.security``).
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from security.context import Security
from security.domain.access_tokens import InvalidAccessToken
from security.domain.lifecycle import may_use_tokens
from security.principal import Principal, Scope


class Unauthenticated(Exception):
    """401: no usable token. ``error`` is the RFC 6750 code (None when no token was sent at all)."""

    def __init__(self, diagnostics: str, error: str | None = "invalid_token") -> None:
        super().__init__(diagnostics)
        self.error = error


class Forbidden(Exception):
    """403: a valid token that may not do this (``scope`` names the missing scope, if that is why)."""

    def __init__(self, diagnostics: str, scope: Scope | None = None) -> None:
        super().__init__(diagnostics)
        self.scope = scope


class Throttled(Exception):
    """429: the caller's request rate is over its limit."""

    def __init__(self, retry_after_s: float) -> None:
        super().__init__(f"too many requests; retry after {int(retry_after_s)} s")
        self.retry_after_s = retry_after_s


# Declares the bearer scheme in the OpenAPI document (and the docs page's Authorize button);
# the token itself is read and judged by ``authenticate``.
BEARER_SCHEME = HTTPBearer(auto_error=False, bearerFormat="JWT", description="Access token from POST /auth/token")
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER_SCHEME)]


def security_of(request: Request) -> Security:
    security: Security = request.app.state.security
    return security


def bearer_token(request: Request) -> str:
    header = request.headers.get("authorization")
    if not header:
        raise Unauthenticated("a bearer token is required (POST /auth/token)", error=None)
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("the Authorization header must be 'Bearer <token>'", error="invalid_request")
    return token.strip()


async def authenticate(request: Request, _declared: Credentials = None) -> Principal:
    """The principal of the request's token, its partner still active, within its rate limit."""
    security = security_of(request)
    try:
        principal = security.tokens.verify(bearer_token(request))
    except InvalidAccessToken as exc:
        raise Unauthenticated(str(exc)) from None
    if principal.is_partner:
        status = await run_in_threadpool(security.statuses.status, principal.subject)
        if status is None or not may_use_tokens(status):
            raise Forbidden(f"partner {principal.subject} is {status or 'not registered'}; access is withdrawn")
    wait = security.rate_limit.retry_after(principal.actor)
    if wait:
        raise Throttled(wait)
    return principal


@cache
def require(scope: Scope) -> Any:
    """A FastAPI dependency yielding the Principal when its token carries ``scope`` (and the role that goes with it)."""

    async def dependency(request: Request, _declared: Credentials = None) -> Principal:
        principal = await authenticate(request)
        if not principal.may(scope):
            raise Forbidden(f"this token does not carry the scope {scope}", scope=scope)
        return principal

    dependency.__name__ = f"require_{scope.name.lower()}"
    return Depends(dependency)
