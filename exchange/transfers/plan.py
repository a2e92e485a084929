"""What one step decided, committed in one transaction: the outbox message closed (or given
back for a retry), the attempt recorded, the state moves with their audit events, any local
writes (ingestion), and the next step scheduled. A lost lease or a transfer that moved
meanwhile rolls all of it back."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from exchange.domain.transfer import Move, Step
from exchange.transfers import repository
from exchange.transfers.repository import Attempt, Message
from graph.store import TxRunner


@dataclass(frozen=True)
class Plan:
    at: datetime
    moves: tuple[Move, ...] = ()
    changes: Mapping[str, Any] = field(default_factory=dict)
    details: Mapping[str, int | bool | str] = field(default_factory=dict)
    attempt: Attempt | None = None
    next_step: tuple[Step, datetime] | None = None
    retry_at: datetime | None = None  # give the message back for a retry at this time
    retry_error: str | None = None
    local: Callable[[TxRunner], None] | None = None  # more writes of the same transaction


def commit(tx: TxRunner, current: Mapping[str, Any], message: Message, plan: Plan) -> None:
    if plan.retry_at is not None:
        repository.reschedule_in(tx, message, plan.retry_at, plan.retry_error or "transient")
    else:
        repository.finish_in(tx, message, plan.at)
    if plan.attempt is not None:
        repository.attempt_in(tx, current, message, plan.attempt)
    if plan.local is not None:
        plan.local(tx)
    if plan.moves:
        repository.move_in(tx, current, plan.moves, plan.at, plan.changes, plan.details)
    if plan.next_step is not None:
        step, due = plan.next_step
        repository.schedule_in(tx, current, step, due, generation=int(current.get("generation") or 0))
