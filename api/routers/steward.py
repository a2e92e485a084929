"""/steward: the review queue and the decisions stewards make on identity links.

Every route needs a steward's token (scope ``user/steward``); the steward recorded with a
decision is the token's name. The body field ``steward`` is still accepted for older
clients, but only when it names the token's steward (otherwise 403).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from api.auth import Forbidden, require
from api.correlation import correlation_id
from api.deps import Store, json_body_only
from audit.domain.context import RequestContext
from graph.domain.links import LinkState
from graph.stewardship import ActionResult, decide_link, link_history, merge, routing_decision, split
from security.principal import Principal, Scope

router = APIRouter(prefix="/steward", tags=["steward"], dependencies=[require(Scope.STEWARD), Depends(json_body_only)])
Steward = Annotated[Principal, require(Scope.STEWARD)]


class Decision(BaseModel):
    model_config = ConfigDict(extra="forbid")
    steward: str | None = Field(
        None, min_length=1, max_length=100, json_schema_extra={"deprecated": True},
        description="Deprecated: the steward is the token's. If given, it must be the token's steward name.",
    )  # fmt: skip
    reason: str = Field(min_length=1, max_length=2000, description="Why (recorded in the history).")

    def steward_of(self, principal: Principal) -> str:
        """The steward recorded with the decision: the token's, which the body may only repeat."""
        if self.steward is not None and self.steward.strip() != principal.subject:
            raise Forbidden(f"the body names steward {self.steward!r} but the token is {principal.subject!r}'s")
        return principal.subject


class SplitRequest(Decision):
    record_ids: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(min_length=1, max_length=1000)


class MergeRequest(Decision):
    member_keys: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(min_length=2, max_length=50)


class TransitionOut(BaseModel):
    link_id: str
    from_state: str
    to_state: str


class ActionOut(BaseModel):
    action: str
    transitions: list[TransitionOut]
    members: list[str]


def _out(result: ActionResult) -> ActionOut:
    moves = [
        TransitionOut(link_id=t.link_id, from_state=t.from_state.value, to_state=t.to_state.value)
        for t in result.transitions
    ]
    return ActionOut(action=result.action, transitions=moves, members=result.members)


@router.get("/queue")
async def queue(store: Store, limit: Annotated[int, Query(ge=1, le=500)] = 50) -> list[dict[str, Any]]:
    """Candidate and disputed links, most impactful first."""
    return await run_in_threadpool(store.read, "steward/review_queue", {"limit": limit})


@router.get("/links/{link_id}")
async def history(store: Store, link_id: str) -> dict[str, Any]:
    """A link's provenance and its whole history."""
    return await run_in_threadpool(link_history, store, link_id)


def _context(request: Request, principal: Principal) -> RequestContext:
    """The request's correlation id and caller, carried into the action's audit event."""
    return RequestContext(correlation_id(request), principal.client_id, principal.role.value)


async def _decide(
    request: Request, store: Store, link_id: str, state: LinkState, body: Decision, principal: Principal
) -> ActionOut:
    steward, context = body.steward_of(principal), _context(request, principal)
    return _out(await run_in_threadpool(
        lambda: decide_link(store, link_id, state, steward, body.reason, context=context)
    ))  # fmt: skip


@router.post("/links/{link_id}/confirm")
async def confirm(request: Request, store: Store, link_id: str, body: Decision, principal: Steward) -> ActionOut:
    return await _decide(request, store, link_id, LinkState.CONFIRMED, body, principal)


@router.post("/links/{link_id}/retire")
async def retire(request: Request, store: Store, link_id: str, body: Decision, principal: Steward) -> ActionOut:
    return await _decide(request, store, link_id, LinkState.RETIRED, body, principal)


@router.post("/links/{link_id}/dispute")
async def dispute(request: Request, store: Store, link_id: str, body: Decision, principal: Steward) -> ActionOut:
    return await _decide(request, store, link_id, LinkState.DISPUTED, body, principal)


@router.post("/members/{member_key}/split")
async def split_member(
    request: Request, store: Store, member_key: str, body: SplitRequest, principal: Steward
) -> ActionOut:
    steward, context = body.steward_of(principal), _context(request, principal)
    return _out(await run_in_threadpool(
        lambda: split(store, member_key, body.record_ids, steward, body.reason, context=context)
    ))  # fmt: skip


@router.post("/merge")
async def merge_members(request: Request, store: Store, body: MergeRequest, principal: Steward) -> ActionOut:
    steward, context = body.steward_of(principal), _context(request, principal)
    return _out(await run_in_threadpool(lambda: merge(store, body.member_keys, steward, body.reason, context=context)))


@router.get("/members/{member_key}/routing")
async def routing(store: Store, member_key: str) -> dict[str, Any]:
    """May this member's data be routed now, and if not, why."""
    d = await run_in_threadpool(routing_decision, store, member_key)
    return {
        "asked_for": d.asked_for, "member_key": d.member_key, "routable": d.routable,
        "reasons": [r.value for r in d.reasons],
        "open_links": [{"link_id": x.link_id, "state": x.state, "reason": x.reason} for x in d.open_links],
    }  # fmt: skip
