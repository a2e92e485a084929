"""/audit: operators search the ledger, verify it, read the public key and member evidence."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from functools import partial
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse

from api.auth import require
from api.deps import Store
from api.limits import page_size
from audit import fhir_export, service
from audit.evidence_html import render_html
from audit.search import Criteria, parse_when
from exchange.fhir.errors import FhirInputError, Issue
from p2p.bootstrap import audit_keys
from security.principal import Principal, Scope

router = APIRouter(prefix="/audit", tags=["audit"])
FHIR_JSON = "application/fhir+json"
Operator = Annotated[Principal, require(Scope.AUDIT)]
TOKEN = r"^[A-Za-z0-9][A-Za-z0-9._:@#|-]*$"
SEQ_MAX = 2**63 - 1  # Neo4j's largest integer: a larger one cannot even be sent as a parameter
Token = Annotated[str | None, Query(min_length=1, max_length=200, pattern=TOKEN)]


def _when(value: str | None, name: str, end_of_day: bool = False) -> datetime | None:
    if value is None:
        return None
    try:
        return parse_when(value, end_of_day=end_of_day)
    except ValueError as exc:
        raise FhirInputError([Issue(name, str(exc), "value")]) from None


@router.get("/events", summary="Audit events by member, correlation id, transfer, case, partner and dates")
async def events(
    store: Store,
    _operator: Operator,
    limit: Annotated[int, page_size(100)],
    member: Token = None,
    correlation_id: Token = None,
    transfer: Token = None,
    case: Token = None,
    partner: Token = None,
    since: Annotated[str | None, Query(description="Date or ISO date-time (UTC), inclusive")] = None,
    until: Annotated[str | None, Query(description="Date (inclusive) or ISO date-time (exclusive)")] = None,
    after: Annotated[
        int, Query(ge=0, le=SEQ_MAX, description="Continue after this seq (the previous page's next_after)")
    ] = 0,
) -> dict[str, Any]:
    criteria = Criteria(member, correlation_id, transfer, case, partner, _when(since, "since"),
                        _when(until, "until", end_of_day=True))  # fmt: skip
    if not criteria.any():
        raise FhirInputError([Issue("query", "give at least one criterion (member, correlation_id, ...)", "required")])
    page = await run_in_threadpool(service.search_events, store, criteria, after=after, limit=limit)
    return {"events": page.events, "next_after": page.next_after}


@router.get("/verify", summary="Verify the whole chain and its signed checkpoints (reads every event)")
async def verify(request: Request, store: Store, _operator: Operator) -> dict[str, Any]:
    report = await run_in_threadpool(service.verify, store, audit_keys(request.app.state.settings))
    first = report.first_problem
    return {"ok": report.ok, "events": report.events, "last_seq": report.last_seq, "checkpoints": report.checkpoints,
            "first_problem": asdict(first) if first else None}  # fmt: skip


@router.get("/public-key", summary="The public key audit checkpoints are signed with (PEM)")
async def public_key(request: Request, _operator: Operator) -> PlainTextResponse:
    pem = await run_in_threadpool(service.public_key_pem, audit_keys(request.app.state.settings))
    return PlainTextResponse(pem, media_type="application/x-pem-file")


@router.get("/evidence/members/{member_key}", summary="A member's evidence packet (JSON or a readable page)")
async def member_evidence(
    request: Request,
    store: Store,
    member_key: str,
    _operator: Operator,
    format: Annotated[Literal["json", "html"], Query()] = "json",
) -> Any:
    keys = audit_keys(request.app.state.settings)
    packet = await run_in_threadpool(service.member_evidence, store, keys, member_key)
    if packet is None:
        raise FhirInputError(
            [Issue("member_key", "no member holds this key and no event concerns it", "not-found")], 404
        )
    return HTMLResponse(render_html(packet)) if format == "html" else packet.to_json()


@router.get("/evidence/transfers/{transfer_id}", summary="A transfer's evidence packet (JSON or a readable page)")
async def transfer_evidence(
    request: Request,
    store: Store,
    transfer_id: Annotated[str, Path(min_length=1, max_length=200, pattern=TOKEN)],
    _operator: Operator,
    format: Annotated[Literal["json", "html"], Query()] = "json",
) -> Any:
    keys = audit_keys(request.app.state.settings)
    packet = await run_in_threadpool(partial(service.transfer_evidence, store, keys, transfer_id=transfer_id))
    if packet is None:
        raise FhirInputError([Issue("transfer_id", "nothing is recorded for this transfer", "not-found")], 404)
    return HTMLResponse(render_html(packet)) if format == "html" else packet.to_json()


@router.get("/events/{seq}/fhir", summary="One audit event as a FHIR R4 AuditEvent (IHE BALP where it fits)")
async def event_fhir(
    request: Request, store: Store, seq: Annotated[int, Path(ge=1, le=2**62)], _operator: Operator
) -> JSONResponse:
    payer = request.app.state.settings.payer_id
    resource = await run_in_threadpool(fhir_export.event_resource, store, seq, payer)
    if resource is None:
        raise FhirInputError([Issue("seq", f"no audit event has seq {seq}", "not-found")], 404)
    return JSONResponse(resource, media_type=FHIR_JSON)


@router.get("/fhir", summary="AuditEvents and Provenance of received data under a correlation id (FHIR Bundle)")
async def correlation_fhir(
    request: Request, store: Store, _operator: Operator, correlation_id: Token = None
) -> JSONResponse:
    if correlation_id is None:
        raise FhirInputError([Issue("correlation_id", "give the correlation id to export", "required")])
    payer = request.app.state.settings.payer_id
    found = await run_in_threadpool(fhir_export.correlation_bundle, store, correlation_id, payer)
    if found is None:
        raise FhirInputError([Issue("correlation_id", "no audit event has this correlation id", "not-found")], 404)
    return JSONResponse(found, media_type=FHIR_JSON)
