"""/fhir/Patient/{member_key}/$everything: a matched member's history for the partner it was
matched to. HTTP only: parameters in, one use case (``exchange.member_data.release``), bytes out."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.auth import require
from api.correlation import correlation_id
from api.deps import Store
from api.limits import page_size
from exchange.domain.release_rules import ReleaseInputError, parse_cursor, requested_types
from exchange.fhir.errors import FhirInputError, Issue
from exchange.member_data.release import EverythingRequest, release_everything
from exchange.member_data.store import MemberDataStore
from security.principal import Principal, Scope

router = APIRouter(prefix="/fhir", tags=["fhir"])
FHIR_JSON = "application/fhir+json"


def _since(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text).date()
    except ValueError:
        raise FhirInputError([Issue("_since", "not a FHIR date or instant (YYYY-MM-DD[Thh:mm:ss+zz:zz])")]) from None


@router.get("/Patient/{member_key}/$everything", summary="A matched member's history (FHIR R4 Patient $everything)")
def everything(
    request: Request,
    store: Store,
    member_key: str,
    principal: Annotated[Principal, require(Scope.PATIENT_READ)],
    count: Annotated[int, page_size(name="_count")],
    since: Annotated[str | None, Query(alias="_since", max_length=40)] = None,
    types: Annotated[str | None, Query(alias="_type", max_length=400)] = None,
    after: Annotated[str | None, Query(alias="_page_after", max_length=300)] = None,
) -> Response:
    settings = request.app.state.settings
    try:
        asked = EverythingRequest(
            member_key=member_key,
            partner_id=principal.subject,
            client_id=principal.client_id,
            actor=principal.actor,
            correlation_id=correlation_id(request),
            since=_since(since),
            types=requested_types(types),
            count=count,
            after=parse_cursor(after),
            link_base=f"{settings.fhir_base_url.rstrip('/')}/Patient/{member_key}/$everything",
            query={k: v for k, v in request.query_params.items() if k in ("_since", "_type", "_count")},
        )
    except ReleaseInputError as exc:
        raise FhirInputError([Issue(exc.parameter, str(exc))]) from None
    data = MemberDataStore(settings.member_data_path, settings.payer_id)
    released = release_everything(store, data, asked, settings.fhir_base_url)
    return Response(released.body, status_code=released.status, media_type=FHIR_JSON)
