"""/fhir/Group: a partner reads and searches only its own member Groups (made by its
``$bulk-member-match``) and runs ``$davinci-data-export`` only on them; another partner's
Group is a 404, exactly as an unknown one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from api.auth import require
from api.correlation import correlation_id
from api.deps import Store
from api.limits import page_size
from api.routers.bulk import FHIR_JSON, accepted, config_of, json_body, requester_of, require_async
from audit import clock
from exchange.bulk import service
from exchange.bulk.export_request import parameters_of, parse_export
from exchange.bulk.groups import RESULT_CS
from exchange.domain.release_rules import ReleaseInputError
from exchange.fhir.errors import FhirInputError, Issue
from security.access import NotVisible
from security.principal import Principal, Scope

router = APIRouter(prefix="/fhir", tags=["bulk"])
SEARCH_PARAMETERS = ("code", "_count")


@router.get("/Group/{group_id}", summary="Read one of this partner's member Groups")
def read_group(store: Store, group_id: str, principal: Annotated[Principal, require(Scope.EXPORT)]) -> JSONResponse:
    found = service.group_of(store, group_id, principal.subject)
    if found is None:
        raise NotVisible("no such Group")
    return JSONResponse(service.group_json(found), media_type=FHIR_JSON)


@router.get("/Group", summary="Search this partner's member Groups (code=match)")
def search_groups(
    request: Request,
    store: Store,
    principal: Annotated[Principal, require(Scope.EXPORT)],
    count: Annotated[int, page_size(name="_count")],
    code: Annotated[str | None, Query(max_length=200)] = None,
) -> JSONResponse:
    unknown = sorted(set(request.query_params) - set(SEARCH_PARAMETERS))
    if unknown:
        raise FhirInputError([Issue(unknown[0], "unsupported search parameter (supported: code, _count)")])
    system, bar, value = (code or "").rpartition("|")
    if code and bar and system not in ("", RESULT_CS):
        raise FhirInputError([Issue("code", f"codes come from {RESULT_CS}")])
    found = service.groups_of(store, principal.subject, value or None, count)
    bundle = {"resourceType": "Bundle", "type": "searchset", "total": len(found),
              "link": [{"relation": "self", "url": str(request.url)}],
              "entry": [{"resource": g, "search": {"mode": "match"}} for g in found]}  # fmt: skip
    return JSONResponse(bundle, media_type=FHIR_JSON)


@router.post(
    "/Group/{group_id}/$davinci-data-export",
    summary="Da Vinci $davinci-data-export (payer-to-payer) on one of this partner's Groups: 202 and a status URL",
)
async def davinci_data_export(
    request: Request, store: Store, group_id: str, principal: Annotated[Principal, require(Scope.EXPORT)]
) -> Response:
    require_async(request)
    requester = requester_of(principal)
    body = await json_body(request, optional=True)
    try:
        values = parameters_of(body)
        for name, value in request.query_params.multi_items():
            values.setdefault(name, []).append(value)
        asked = parse_export(values)
    except ReleaseInputError as exc:
        raise FhirInputError([Issue(exc.parameter, str(exc), "not-supported" if "not supported" in str(exc)
                                    else "invalid")]) from None  # fmt: skip
    config = config_of(request)
    job_id = await run_in_threadpool(service.submit_export, store, config, group_id, asked, requester, str(request.url),
                                     correlation_id(request), clock.now())  # fmt: skip
    if job_id is None:
        raise NotVisible("no such Group")
    return accepted(config, job_id)
