"""When a step cannot run (the partner vanished, workers keep dying on it), the transfer goes to an
operator as a dead letter where the state table allows it, and is rejected otherwise."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from exchange.domain.transfer import Owner, Step, TransferState
from exchange.transfers.repository import Message
from exchange.transfers.worker import give_up

S = TransferState


def _message(step: Step) -> Message:
    return Message("m", "T-1", step, 3, 20, "tok", "T-1.step", datetime(2026, 1, 1, tzinfo=UTC))


@pytest.mark.parametrize(
    ("state", "step", "expected"),
    [
        (S.IDENTITY_PENDING, Step.MEMBER_MATCH, S.DEAD_LETTERED),
        (S.REQUESTING_DATA, Step.FETCH_DATA, S.DEAD_LETTERED),
        (S.INGESTED, Step.ACKNOWLEDGE, S.DEAD_LETTERED),
        (S.RECEIVING, Step.INGEST, S.REJECTED),
        (S.RECEIVED, Step.CHECK_IDENTITY, S.REJECTED),
        (S.HELD_FOR_IDENTITY, Step.CHECK_IDENTITY, S.REJECTED),
    ],
)
def test_a_step_that_cannot_run_ends_with_an_owner(state: S, step: Step, expected: S) -> None:
    rt: Any = SimpleNamespace(now=lambda: datetime(2026, 1, 2, tzinfo=UTC), actor="service:w")
    plan = give_up(rt, {"state": state.value}, _message(step), "step_keeps_failing")
    (move,) = plan.moves
    assert (move.from_state, move.to_state, move.reason) == (state, expected, "step_keeps_failing")
    assert move.owner in (Owner.OPERATOR, Owner.REQUESTER)
    assert ("failed_step" in plan.changes) == (expected is S.DEAD_LETTERED)
