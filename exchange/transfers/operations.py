"""What people do to a transfer, each a recorded transition with a mandatory reason:
replay a dead letter (re-drive its failed step, with a fresh idempotency key), cancel,
supersede (a newer transfer replaces it), reopen identity review after a rejection on
identity grounds (the transfer waits for a steward again, then proceeds by itself)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from audit import clock
from exchange.domain.transfer import REPLAY_INTO, IllegalTransition, Move, Step, TransferState, step_for
from exchange.transfers import repository
from graph.store import GraphStore, TxRunner

S = TransferState
REASON_MIN = 5


class TransferNotFound(LookupError):
    pass


class UnknownReplacement(ValueError):
    """``supersede`` named, as the transfer replacing it, itself or a transfer that does not exist."""


def _checked_reason(reason: str) -> str:
    if len(reason.strip()) < REASON_MIN:
        raise ValueError(f"a reason of at least {REASON_MIN} characters is required")
    return reason.strip()


def _current(store: GraphStore, transfer_id: str) -> Mapping[str, Any]:
    found = repository.transfer(store, transfer_id)
    if found is None:
        raise TransferNotFound(transfer_id)
    current: Mapping[str, Any] = found["transfer"]
    return current


def _act(store: GraphStore, transfer_id: str, target: S, code: str, actor: str, note: str,
         changes: Mapping[str, Any] | None = None) -> Mapping[str, Any]:  # fmt: skip
    """Move the transfer, withdraw its pending message, schedule the new state's step."""
    current = _current(store, transfer_id)
    move = Move(S(current["state"]), target, code, actor)  # IllegalTransition if not allowed
    now = clock.now()
    # A re-drive must not get the partner's stored answer to the failed call: new keys.
    generation = int(current.get("generation") or 0) + (1 if code in ("replayed", "identity_review_reopened") else 0)

    def work(tx: TxRunner) -> None:
        repository.withdraw_in(tx, transfer_id, now)
        repository.move_in(tx, current, (move,), now, {**(changes or {}), "last_note": note, "generation": generation})
        step = step_for(target)
        if step is not None:
            repository.schedule_in(tx, current, step, now, generation=generation)

    store.in_write_transaction(work)
    return _current(store, transfer_id)


def replay(store: GraphStore, transfer_id: str, actor: str, reason: str) -> Mapping[str, Any]:
    note = _checked_reason(reason)
    current = _current(store, transfer_id)
    if current["state"] != S.DEAD_LETTERED:
        raise IllegalTransition(S(current["state"]), S.IDENTITY_PENDING)
    failed = Step(current.get("failed_step") or Step.MEMBER_MATCH.value)
    return _act(store, transfer_id, REPLAY_INTO.get(failed, S.IDENTITY_PENDING), "replayed", actor, note)


def cancel(store: GraphStore, transfer_id: str, actor: str, reason: str) -> Mapping[str, Any]:
    return _act(store, transfer_id, S.CANCELLED, "cancelled", actor, _checked_reason(reason))


def supersede(store: GraphStore, transfer_id: str, actor: str, reason: str, by: str | None = None) -> Mapping[str, Any]:
    """Superseded is final, so a replacement that is the transfer itself or no transfer at all (a typo)
    is refused before anything moves."""
    if by == transfer_id or (by and repository.transfer(store, by) is None):
        raise UnknownReplacement(f"{by} cannot supersede {transfer_id}: name another existing transfer")
    changes = {"superseded_by": by} if by else {}
    return _act(store, transfer_id, S.SUPERSEDED, "superseded", actor, _checked_reason(reason), changes)


def reopen_identity(store: GraphStore, transfer_id: str, actor: str, reason: str) -> Mapping[str, Any]:
    return _act(store, transfer_id, S.HELD_FOR_IDENTITY, "identity_review_reopened", actor, _checked_reason(reason))
