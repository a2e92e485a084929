"""/fhir bulk operations: ``POST Group/$bulk-member-match`` (PDex) and the Bulk Data async
pattern around every bulk job: the status URL (202 with progress while it runs, 200 with the
result), ``DELETE`` to cancel, and the export files. HTTP only; the rules live in ``exchange.bulk``."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, Response

from api.auth import Forbidden, authenticate, require
from api.correlation import correlation_id
from api.deps import Store, media_type, unsupported_media_type
from audit import clock
from exchange.bulk import service
from exchange.bulk.config import BulkConfig, bulk_config
from exchange.bulk.member_bundles import parse_bulk
from exchange.fhir.errors import FhirInputError, Issue
from exchange.fhir.json_input import parse_json
from exchange.member_match.result import Requester
from security.access import NotVisible, calling_partner
from security.principal import Principal, Scope

router = APIRouter(prefix="/fhir", tags=["bulk"])
MATCH_PATH = "/fhir/Group/$bulk-member-match"  # its body may be P2P_BULK_MAX_BODY_BYTES (api/security.py)
FHIR_JSON = "application/fhir+json"
NDJSON = "application/fhir+ndjson"


def config_of(request: Request) -> BulkConfig:
    """The settings' bulk configuration, with URLs on the base the caller reached us at."""
    return replace(bulk_config(request.app.state.settings), fhir_base_url=f"{str(request.base_url).rstrip('/')}/fhir")


def requester_of(principal: Principal) -> Requester:
    return Requester(calling_partner(principal), principal.client_id, principal.actor,
                     principal.organization_identifiers)  # fmt: skip


def require_async(request: Request) -> None:
    if "respond-async" not in request.headers.get("prefer", "").lower():
        issue = Issue("Prefer", "this operation runs asynchronously: send Prefer: respond-async", "required")
        raise FhirInputError([issue])


def accepted(config: BulkConfig, job_id: str) -> Response:
    headers = {"Content-Location": config.status_url(job_id)}
    body = {"resourceType": "OperationOutcome", "issue": [{"severity": "information", "code": "informational",
            "diagnostics": f"accepted; poll {config.status_url(job_id)}"}]}  # fmt: skip
    return Response(json.dumps(body), status_code=202, media_type=FHIR_JSON, headers=headers)


async def json_body(request: Request, optional: bool = False) -> Any:
    raw = await request.body()
    if optional and not raw.strip():
        return None
    content_type = media_type(request)
    if content_type not in ("application/fhir+json", "application/json"):
        raise unsupported_media_type(content_type, FHIR_JSON)
    # off the event loop: a 10,000-member body is tens of megabytes
    return parse_json(raw) if len(raw) < 1_048_576 else await run_in_threadpool(parse_json, raw)


@router.post(
    MATCH_PATH.removeprefix(router.prefix),
    summary="Da Vinci PDex $bulk-member-match: 202 and a status URL; the result holds the three Groups",
    openapi_extra={"requestBody": {"content": {FHIR_JSON: {"schema": {"type": "object"}}}, "required": True}},
)
async def bulk_member_match(
    request: Request, store: Store, principal: Annotated[Principal, require(Scope.BULK_MATCH)]
) -> Response:
    require_async(request)
    requester = requester_of(principal)
    body = await json_body(request)
    settings, config = request.app.state.settings, config_of(request)
    bundles = await run_in_threadpool(parse_bulk, body, settings.hrex_version, True)
    if request.app.state.member_match is None:
        issue = Issue("model", "no published matching model: run `p2p match publish`", "transient")
        raise FhirInputError([issue], status=503)
    job_id = await run_in_threadpool(service.submit_match, store, config, body, bundles, requester,
                                     requester.partner_id, correlation_id(request), clock.now())  # fmt: skip
    return accepted(config, job_id)


async def bulk_caller(request: Request) -> Principal:
    """A partner with either bulk scope (the status URL serves match and export jobs alike)."""
    principal = await authenticate(request)
    if not (principal.may(Scope.BULK_MATCH) or principal.may(Scope.EXPORT)):
        raise Forbidden(f"this token carries neither {Scope.BULK_MATCH} nor {Scope.EXPORT}", scope=Scope.EXPORT)
    calling_partner(principal)
    return principal


Caller = Annotated[Principal, Depends(bulk_caller)]


@router.get("/bulk-status/{job_id}", summary="Bulk job status: 202 with X-Progress while it runs, 200 with its result")
def job_status(request: Request, store: Store, job_id: str, principal: Caller) -> Response:
    answer = service.status(store, config_of(request), job_id, principal.subject)
    if answer is None:
        raise NotVisible("no such bulk job")
    return Response(answer.body, status_code=answer.status, media_type=FHIR_JSON if answer.body else None,
                    headers=answer.headers)  # fmt: skip


@router.delete("/bulk-status/{job_id}", summary="Cancel a bulk job (and delete an export's files): 202")
def cancel_job(request: Request, store: Store, job_id: str, principal: Caller) -> Response:
    if not service.cancel(store, config_of(request), job_id, principal.subject, clock.now()):
        raise NotVisible("no such bulk job")
    return Response(status_code=202)


@router.get("/bulk-files/{job_id}/{name}", summary="One NDJSON file of a completed export (its owner only)")
def export_file(request: Request, store: Store, job_id: str, name: str, principal: Caller) -> Response:
    path = service.export_file(store, config_of(request), job_id, name, principal.subject)
    if path is None:
        raise NotVisible("no such file")
    return FileResponse(path, media_type=NDJSON)
