"""/fhir: the FHIR R4 endpoints partners call. HTTP only; the decisions live in ``exchange``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from api.auth import require
from api.correlation import correlation_id
from api.deps import Store, media_type, unsupported_media_type
from audit.domain.context import body_sha256
from exchange.fhir.capability import capability_statement
from exchange.fhir.errors import FhirInputError, Issue
from exchange.fhir.json_input import parse_json
from exchange.fhir.operations import SERVED
from exchange.fhir.patient import patient, searchset
from exchange.member_match import queries
from exchange.member_match.request import parse
from exchange.member_match.result import Requester
from exchange.member_match.service import MatchContext, member_match
from security.principal import Principal, Scope

router = APIRouter(prefix="/fhir", tags=["fhir"])
FHIR_JSON = "application/fhir+json"
ACCEPTED_TYPES = ("application/fhir+json", "application/json")


def fhir(body: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(body, status_code=status, media_type=FHIR_JSON, headers=headers)


def _context(request: Request) -> MatchContext:
    ctx: MatchContext | None = request.app.state.member_match
    if ctx is None:
        issue = Issue("model", "no published matching model: run `p2p match publish`", "transient")
        raise FhirInputError([issue], status=503)
    return ctx


@router.get("/metadata", summary="CapabilityStatement (operations we support)")
def metadata(request: Request) -> JSONResponse:
    settings = request.app.state.settings
    today = datetime.now(UTC).date().isoformat()
    return fhir(capability_statement(settings.fhir_base_url, request.app.version, today, settings.hrex_version))


@router.get("/OperationDefinition/{definition_id}", summary="An operation as this server supports it")
def operation_definition(request: Request, definition_id: str) -> JSONResponse:
    operation = SERVED.get(definition_id)
    if operation is None:
        issue = Issue("OperationDefinition", f"no OperationDefinition/{definition_id} here", "not-found")
        raise FhirInputError([issue], status=404)
    return fhir(operation.resource_json(request.app.state.settings.fhir_base_url))


@router.post(
    "/Patient/$member-match",
    summary="Da Vinci HRex $member-match: one member, or 422 with the reason",
    openapi_extra={"requestBody": {"content": {FHIR_JSON: {"schema": {"type": "object"}}}, "required": True}},
)
async def member_match_operation(
    request: Request, principal: Annotated[Principal, require(Scope.MEMBER_MATCH)]
) -> Response:
    content_type = media_type(request)
    if content_type not in ACCEPTED_TYPES:
        raise unsupported_media_type(content_type, FHIR_JSON)
    raw = await request.body()
    body = parse_json(raw)
    settings = request.app.state.settings
    parsed = parse(body, settings.hrex_version, requester_is_payer=principal.is_partner)
    requester = Requester(principal.subject, principal.client_id, principal.actor, principal.organization_identifiers)
    ctx = _context(request)
    result = await run_in_threadpool(member_match, ctx, parsed, requester, correlation_id(request), body_sha256(raw))
    headers = {"X-Decision-ID": result.decision_id}
    if result.retry_after_s:
        headers["Retry-After"] = str(result.retry_after_s)
    return Response(result.body, status_code=result.status, media_type=FHIR_JSON, headers=headers)


def _member_key(identifier: str, system: str) -> str | None:
    given_system, bar, value = identifier.rpartition("|")
    if not bar:
        return identifier or None
    return value if given_system in ("", system) and value else None


@router.get("/Patient", summary="Search our member by the identifier $member-match returned")
def search_patient(
    request: Request,
    store: Store,
    principal: Annotated[Principal, require(Scope.PATIENT_READ)],
    identifier: Annotated[str, Query(min_length=1, max_length=300, description="system|value or value")],
) -> JSONResponse:
    settings = request.app.state.settings
    key = _member_key(identifier, settings.member_identifier_system)
    found = queries.matched_patient(store, key, principal.subject) if key else None
    resources = []
    if found:
        system, version = settings.member_identifier_system, settings.hrex_version
        resources.append(patient(found["member_key"], found["record"], system, version))
    return fhir(searchset(settings.fhir_base_url, resources, str(request.url)))


@router.get("/Patient/{member_key}", summary="Read a member a $member-match named to this partner")
def read_patient(
    request: Request, store: Store, member_key: str, principal: Annotated[Principal, require(Scope.PATIENT_READ)]
) -> JSONResponse:
    settings = request.app.state.settings
    found = queries.matched_patient(store, member_key, principal.subject)
    if not found:
        raise FhirInputError([Issue("Patient", f"no Patient/{member_key} for this client", "not-found")], status=404)
    return fhir(patient(found["member_key"], found["record"], settings.member_identifier_system, settings.hrex_version))
