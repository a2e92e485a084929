"""/steward/decisions and partner coverages: why $member-match answered as it did."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse

from api.auth import require
from api.deps import Store
from exchange.fhir.errors import FhirInputError, Issue
from exchange.member_match import queries
from matching.charts import html_page, waterfall_chart
from security.principal import Principal, Scope

router = APIRouter(prefix="/steward", tags=["steward"])
Steward = Annotated[Principal, require(Scope.STEWARD)]
Format = Annotated[Literal["json", "html"], Query(description="html: a waterfall chart of the best candidate")]


@router.get("/decisions/{decision_id}", summary="A $member-match decision with each comparison's contribution")
async def decision(
    store: Store,
    decision_id: str,
    _steward: Steward,
    format: Annotated[
        Literal["json", "html"], Query(description="html: a waterfall chart of the best candidate")
    ] = "json",
) -> Any:
    found = await run_in_threadpool(queries.decision, store, decision_id)
    if found is None:
        raise FhirInputError([Issue("decision", f"no decision {decision_id!r}", "not-found")], status=404)
    if format == "json":
        return found
    if not found["candidates"]:
        return HTMLResponse(f"<p>Decision {decision_id}: no candidate was found ({found['reason']}).</p>")
    best = found["candidates"][0]
    prior = best["match_weight"] - sum(c["weight"] + c["tf"] for c in best["contributions"])
    steps = [(f"{c['comparison']}: {c['level']}", c["weight"] + c["tf"]) for c in best["contributions"]]
    title = f"Decision {decision_id}: {found['outcome']} ({found['reason']}), record {best['record_id']}"
    return HTMLResponse(html_page(title, waterfall_chart(prior, steps, title="Match weight of the best candidate")))


@router.get("/members/{member_key}/partner-coverages", summary="Coverages partners asserted for a member")
async def partner_coverages(store: Store, member_key: str, _steward: Steward) -> list[dict[str, Any]]:
    return await run_in_threadpool(queries.partner_coverages, store, member_key)
