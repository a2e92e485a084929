"""/fhir/$transfer-acknowledgment: a new payer tells us (the previous payer) it received a
member's history. Recorded once; a retry is answered the same way."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from api.auth import require
from api.correlation import correlation_id
from api.deps import Store
from exchange.fhir.json_input import parse_json
from exchange.transfers.acknowledgments import parse, record
from security.principal import Principal, Scope

router = APIRouter(prefix="/fhir", tags=["fhir"])


@router.post("/$transfer-acknowledgment", summary="A new payer acknowledges the member history it received")
async def acknowledge(
    request: Request, store: Store, principal: Annotated[Principal, require(Scope.PATIENT_READ)]
) -> JSONResponse:
    ack = parse(parse_json(await request.body()))
    created = await run_in_threadpool(
        record, store, ack, partner_id=principal.subject, client_id=principal.client_id,
        correlation_id=correlation_id(request),
    )  # fmt: skip
    text = "acknowledgment recorded" if created else "acknowledgment already recorded"
    outcome = {"resourceType": "OperationOutcome", "issue": [{"severity": "information", "code": "informational",
                                                               "diagnostics": text}]}  # fmt: skip
    return JSONResponse(outcome, media_type="application/fhir+json")
