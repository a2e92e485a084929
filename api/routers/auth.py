"""/auth/token (SMART Backend Services) and the discovery documents partners read first."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from api.auth import Throttled, authenticate, security_of
from api.deps import media_type
from api.security import NO_STORE
from security.domain.assertion import ALGORITHMS
from security.domain.errors import OAuthErrorCode, invalid_request
from security.principal import ROLE_SCOPES, Principal, Role
from security.token_service import ASSERTION_TYPE, GRANT_TYPE

router = APIRouter(tags=["auth"])
FORM = "application/x-www-form-urlencoded"
MAX_FIELDS = 20


class TokenResponse(BaseModel):
    access_token: str
    token_type: str
    expires_in: int
    scope: str


class OAuthErrorBody(BaseModel):
    error: OAuthErrorCode
    error_description: str


class SmartConfiguration(BaseModel):
    issuer: str
    token_endpoint: str
    jwks_uri: str
    token_endpoint_auth_methods_supported: list[str]
    token_endpoint_auth_signing_alg_values_supported: list[str]
    grant_types_supported: list[str]
    scopes_supported: list[str]
    capabilities: list[str]


TOKEN_FORM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["grant_type", "scope", "client_assertion_type", "client_assertion"],
    "properties": {
        "grant_type": {"type": "string", "enum": [GRANT_TYPE]},
        "scope": {"type": "string", "description": "Space-separated scopes, e.g. system/Patient.member-match"},
        "client_assertion_type": {"type": "string", "enum": [ASSERTION_TYPE]},
        "client_assertion": {"type": "string", "description": "A JWT signed (RS384/ES384) with a registered key"},
    },
}


def token_url(request: Request) -> str:
    configured = security_of(request).settings.auth_token_url
    return configured or str(request.url_for("token"))


@router.post(
    "/auth/token",
    name="token",
    response_model=TokenResponse,
    responses={400: {"model": OAuthErrorBody}, 401: {"model": OAuthErrorBody}},
    openapi_extra={"requestBody": {"required": True, "content": {FORM: {"schema": TOKEN_FORM_SCHEMA}}}},
)
async def token(request: Request) -> JSONResponse:
    """Client credentials with a private_key_jwt client assertion (SMART Backend Services)."""
    security = security_of(request)
    wait = security.rate_limit.retry_after(f"token-endpoint:{request.client.host if request.client else '-'}")
    if wait:
        raise Throttled(wait)
    if media_type(request) != FORM:
        raise invalid_request(f"the body must be {FORM}")
    try:
        form = parse_qs((await request.body()).decode("utf-8"), keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except (UnicodeDecodeError, ValueError):
        raise invalid_request(f"the body is not a valid {FORM} form") from None
    answer = await run_in_threadpool(security.issuer.issue, form, token_url(request))
    return JSONResponse(answer, headers=NO_STORE)


@router.get("/.well-known/smart-configuration", response_model=SmartConfiguration)
async def smart_configuration(request: Request) -> SmartConfiguration:
    """How to obtain a token here (SMART App Launch discovery, backend services subset)."""
    settings = security_of(request).settings
    return SmartConfiguration(
        issuer=settings.auth_issuer,
        token_endpoint=token_url(request),
        jwks_uri=str(request.url_for("jwks")),
        token_endpoint_auth_methods_supported=["private_key_jwt"],
        token_endpoint_auth_signing_alg_values_supported=sorted(ALGORITHMS),
        grant_types_supported=[GRANT_TYPE],
        scopes_supported=sorted(s.value for s in ROLE_SCOPES[Role.PARTNER]),
        capabilities=["client-confidential-asymmetric"],
    )


@router.get("/.well-known/jwks.json", name="jwks")
async def jwks(request: Request) -> dict[str, list[dict[str, Any]]]:
    """This service's public signing key: partners register it to verify our client assertions."""
    return {"keys": [security_of(request).key.jwk]}


class Me(BaseModel):
    subject: str
    role: Role
    actor: str
    client_id: str
    scopes: list[str]
    organization_identifiers: list[dict[str, str]]


@router.get("/auth/me", response_model=Me)
async def me(principal: Annotated[Principal, Depends(authenticate)]) -> Me:
    """Who the bearer token stands for (any valid token of an active partner or a person)."""
    return Me(
        subject=principal.subject, role=principal.role, actor=principal.actor, client_id=principal.client_id,
        scopes=sorted(principal.scopes),
        organization_identifiers=[{"system": s, "value": v} for s, v in principal.organization_identifiers],
    )  # fmt: skip
