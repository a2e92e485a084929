"""Installs partner security on the app: wiring, the body size limit, and the error mapping of
authentication, authorisation, rate limits and OAuth token errors."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from api.auth import Forbidden, Throttled, Unauthenticated
from api.errors import operation_outcome
from api.limits import BodySizeLimit
from api.openapi import install_error_documentation
from api.routers import bulk
from p2p.settings import Settings
from security.access import AccessDenied, NotVisible
from security.context import build_security
from security.domain.errors import OAuthError

REALM = "payer-exchange"
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _quoted(text: str) -> str:
    return text.replace("\\", "").replace('"', "'")


def install_security(app: FastAPI, settings: Settings) -> None:
    app.state.security = build_security(settings, lambda: app.state.store)
    larger = {("POST", bulk.MATCH_PATH): settings.bulk_max_body_bytes}  # up to 10,000 members (issue #8)
    app.add_middleware(BodySizeLimit, max_bytes=settings.api_max_body_bytes, routes=larger)
    install_error_documentation(app)

    @app.exception_handler(Unauthenticated)
    async def unauthenticated(_request: Request, exc: Unauthenticated) -> JSONResponse:
        response = operation_outcome(401, "login", str(exc))
        challenge = f'Bearer realm="{REALM}"'
        if exc.error:
            challenge += f', error="{exc.error}", error_description="{_quoted(str(exc))}"'
        response.headers["WWW-Authenticate"] = challenge
        return response

    @app.exception_handler(Forbidden)
    async def forbidden(_request: Request, exc: Forbidden) -> JSONResponse:
        response = operation_outcome(403, "forbidden", str(exc))
        if exc.scope is not None:
            response.headers["WWW-Authenticate"] = (
                f'Bearer realm="{REALM}", error="insufficient_scope", scope="{exc.scope}"'
            )
        return response

    @app.exception_handler(AccessDenied)
    async def denied(_request: Request, exc: AccessDenied) -> JSONResponse:
        return operation_outcome(403, "forbidden", str(exc))

    @app.exception_handler(NotVisible)
    async def not_visible(_request: Request, exc: NotVisible) -> JSONResponse:
        return operation_outcome(404, "not-found", str(exc))

    @app.exception_handler(Throttled)
    async def throttled(_request: Request, exc: Throttled) -> JSONResponse:
        response = operation_outcome(429, "throttled", str(exc))
        response.headers["Retry-After"] = str(int(exc.retry_after_s))
        return response

    @app.exception_handler(OAuthError)
    async def oauth(_request: Request, exc: OAuthError) -> JSONResponse:
        body = {"error": exc.code.value, "error_description": exc.description}
        return JSONResponse(body, status_code=exc.status, headers=NO_STORE)
