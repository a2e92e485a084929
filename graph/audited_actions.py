"""Steward actions as audited transactions: the graph change and its audit event commit together.

``run_audited`` runs an action's ``work`` in one write transaction and appends the event
describing it there. ``work`` may run more than once (the driver retries transient
failures), so it only reads and writes through the transaction it is given. An action a
rule refuses changes nothing; its attempt is still recorded, as a ``refused`` event in a
transaction of its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from audit.domain.context import RequestContext, body_sha256
from audit.domain.events import TOKEN, EventDraft, Outcome
from audit.ledger import append
from graph.domain.links import IllegalTransition, Transition
from graph.store import GraphStore, TxRunner

STEWARD_ROLE = "data_steward"


class StewardError(ValueError):
    """The action cannot be done as asked (unknown link or member, bad split, conflicting merge)."""

    def __init__(self, message: str, code: str = "STEWARD_RULE") -> None:
        super().__init__(message)
        self.code = code  # normalised reason code of the refusal, for the audit event


@dataclass(frozen=True)
class ActionResult:
    action: str
    transitions: list[Transition]
    members: list[str]  # the members after the action (keys)

    def body(self) -> dict[str, Any]:
        moves = [{"link_id": t.link_id, "from": t.from_state.value, "to": t.to_state.value} for t in self.transitions]
        return {"action": self.action, "transitions": moves, "members": self.members}


@dataclass(frozen=True)
class StewardAction:
    """What is being asked, known before the work starts."""

    action: str  # dotted verb: link.confirm, member.split
    reason_code: str  # recorded when it succeeds: LINK_CONFIRMED, MEMBER_SPLIT
    resource_type: str
    resource_id: str
    actor: str
    reason: str  # the steward's words: recorded in the link history; the event holds the request's hash
    request: dict[str, Any]
    context: RequestContext


@dataclass(frozen=True)
class Done:
    result: ActionResult
    member_keys: list[str]  # every member the action touched, before and after
    details: dict[str, int | bool | str] = field(default_factory=dict)


def _steward_actor(steward: str) -> str:
    name = steward.strip()
    if not name:
        raise StewardError("a steward name is required")
    if len(name) > 100 or not name.isprintable():
        raise StewardError("a steward name is at most 100 printable characters")
    return f"steward:{name}"


def _require_reason(reason: str) -> str:
    if not reason.strip():
        raise StewardError("a reason is required for every steward action")
    return reason.strip()


def steward_action(
    verb: str, code: str, resource: tuple[str, str], steward: str, reason: str, request: dict[str, Any],
    context: RequestContext | None,
) -> StewardAction:  # fmt: skip
    """The action asked for, once its steward and reason are checked (a missing one is refused
    before anything is read or recorded)."""
    actor, why = _steward_actor(steward), _require_reason(reason)
    body = {"action": verb, **request, "steward": steward, "reason": why}
    return StewardAction(verb, code, *resource, actor, why, body, context or RequestContext())


def _as_token(value: str) -> str:
    """An id as given when it is one; anything else (a refused request may carry any text) as its hash."""
    return value if re.fullmatch(TOKEN, value) else "sha256:" + body_sha256(value.encode())[:16]


def _draft(action: StewardAction, outcome: Outcome, code: str, done: Done | None = None) -> EventDraft:
    return EventDraft(
        actor=action.actor, actor_role=action.context.role or STEWARD_ROLE,
        actor_client_id=action.context.client_id, action=action.action, resource_type=action.resource_type,
        resource_id=_as_token(action.resource_id), outcome=outcome, reason_code=code,
        correlation_id=action.context.correlation_id, member_keys=tuple(done.member_keys) if done else (),
        request_sha256=body_sha256(action.request),
        response_sha256=body_sha256(done.result.body()) if done else None,
        details=done.details if done else {},
    )  # fmt: skip


def run_audited(store: GraphStore, action: StewardAction, work: Callable[[TxRunner], Done]) -> ActionResult:
    def transaction(tx: TxRunner) -> ActionResult:
        done = work(tx)
        append(tx, _draft(action, Outcome.SUCCESS, action.reason_code, done))
        return done.result

    try:
        return store.in_write_transaction(transaction)
    except (StewardError, IllegalTransition) as exc:
        code = exc.code if isinstance(exc, StewardError) else "ILLEGAL_TRANSITION"
        store.in_write_transaction(lambda tx: append(tx, _draft(action, Outcome.REFUSED, code)))
        raise
