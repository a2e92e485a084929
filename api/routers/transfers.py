"""/transfers: our enrollment systems ask us (the new payer) to pull a member's history from
their previous payer, then follow it. /operations/transfers: operators see every transfer
and act on dead letters. HTTP only; the workflow lives in ``exchange.transfers``."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from api.auth import require
from api.correlation import correlation_id
from api.deps import Store, json_body_only
from api.limits import page_size
from exchange.domain.transfer import Owner, TransferState
from exchange.transfers import operations, views
from exchange.transfers.contract import TransferRequest
from exchange.transfers.initiate import TransferRefused, initiate
from exchange.transfers.operations import TransferNotFound
from security.principal import Principal, Scope

router = APIRouter(tags=["transfers"], dependencies=[Depends(json_body_only)])
Requester = Annotated[Principal, require(Scope.TRANSFERS)]
Operator = Annotated[Principal, require(Scope.AUDIT)]
StateFilter = Annotated[TransferState | None, Query(description="Only transfers in this state.")]
OwnerFilter = Annotated[Owner | None, Query(description="Only transfers this owner must act on.")]


class Reason(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)  # "      " is no reason
    reason: str = Field(min_length=5, max_length=2000, description="Why (kept in the transfer's history).")


class Supersede(Reason):
    superseded_by: str | None = Field(None, pattern=r"^T-[0-9a-f]{20}$", description="The transfer replacing it.")


def _found(view: dict[str, Any] | None, transfer_id: str) -> dict[str, Any]:
    if view is None:
        raise TransferNotFound(transfer_id)
    return view


@router.post("/transfers", status_code=201, summary="Pull a new member's history from their previous payer")
async def create_transfer(request: Request, body: TransferRequest, store: Store, principal: Requester) -> JSONResponse:
    settings = request.app.state.settings
    started = await run_in_threadpool(
        initiate, store, settings.payer_id, body, correlation_id=correlation_id(request),
        actor=principal.actor, client_id=principal.client_id,
    )  # fmt: skip
    view = await run_in_threadpool(views.visible, store, started.transfer_id, principal.client_id)
    if view is None:  # the same intent was submitted by another client: it is not this one's to see
        raise TransferRefused("intent_of_another_client", "another client already asked for this transfer", 409)
    headers = {"Location": f"/transfers/{started.transfer_id}"}  # the correlation middleware adds X-Correlation-ID
    if not started.created:
        headers["X-Existing-Transfer"] = "true"  # the same business intent was submitted before
    return JSONResponse(view, status_code=201 if started.created else 200, headers=headers)


@router.get("/transfers/{transfer_id}", summary="A transfer of ours: state, owner, history, attempts")
def read_transfer(transfer_id: str, store: Store, principal: Requester) -> dict[str, Any]:
    return _found(views.visible(store, transfer_id, principal.client_id), transfer_id)


@router.post("/transfers/{transfer_id}/cancel", summary="Cancel a transfer we asked for")
def cancel_transfer(transfer_id: str, body: Reason, store: Store, principal: Requester) -> dict[str, Any]:
    _found(views.visible(store, transfer_id, principal.client_id), transfer_id)
    operations.cancel(store, transfer_id, principal.actor, body.reason)
    return _found(views.visible(store, transfer_id, None), transfer_id)


@router.get("/operations/transfers", summary="Transfers by state and owner (dead letters: state=dead_lettered)")
def list_transfers(
    store: Store, _: Operator, state: StateFilter = None, owner: OwnerFilter = None,
    limit: Annotated[int, page_size()] = 50,
) -> dict[str, Any]:  # fmt: skip
    params = {"state": state.value if state else None, "owner": owner.value if owner else None, "limit": limit}
    return {"transfers": [r["transfer"] for r in store.read("transfers/list_transfers", params)]}


@router.get("/operations/transfers/{transfer_id}", summary="Any transfer, for operators")
def operator_read(transfer_id: str, store: Store, _: Operator) -> dict[str, Any]:
    return _found(views.visible(store, transfer_id, None), transfer_id)


@router.post("/operations/transfers/{transfer_id}/supersede", summary="Supersede a transfer (a newer one replaces it)")
def operator_supersede(transfer_id: str, body: Supersede, store: Store, principal: Operator) -> dict[str, Any]:
    operations.supersede(store, transfer_id, principal.actor, body.reason, body.superseded_by)
    return _found(views.visible(store, transfer_id, None), transfer_id)


Action = Literal["replay", "cancel", "reopen-identity"]


@router.post("/operations/transfers/{transfer_id}/{action}", summary="Replay a dead letter, cancel, reopen identity")
def operator_act(transfer_id: str, action: Action, body: Reason, store: Store, principal: Operator) -> dict[str, Any]:
    act = {"replay": operations.replay, "cancel": operations.cancel, "reopen-identity": operations.reopen_identity}
    act[action](store, transfer_id, principal.actor, body.reason)
    return _found(views.visible(store, transfer_id, None), transfer_id)
