"""The transfer store in Neo4j: transfers, their history, outbox messages with leases and
delivery attempts. Functions taking ``tx`` run inside the caller's transaction, so a state
change, its audit events and the next outbox message commit together or not at all."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from audit.domain.events import EventDraft, Outcome
from audit.ledger import append
from exchange.domain.transfer import Move, Step, TransferState
from graph.review_queue import refresh_queue
from graph.store import GraphStore, Queries, TxRunner


class StaleTransfer(Exception):
    """The transfer left the state this change was planned from; the transaction must roll back."""


class LeaseLost(Exception):
    """Another worker holds the message now (our lease expired); our work must roll back."""


@dataclass(frozen=True)
class Message:
    message_id: str
    transfer_id: str
    step: Step
    attempts: int  # attempts finished before this claim
    claims: int  # times claimed, this one included (more than attempts + 1: a worker died holding it)
    lease_token: str
    idempotency_key: str
    first_attempt_at: datetime

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> Message:
        return cls(
            message_id=row["message_id"], transfer_id=row["transfer_id"], step=Step(row["step"]),
            attempts=int(row["attempts"]), claims=int(row["claims"]), lease_token=row["lease_token"],
            idempotency_key=row["idempotency_key"], first_attempt_at=datetime.fromisoformat(row["first_attempt_at"]),
        )  # fmt: skip


def stamp(moment: datetime) -> str:
    return moment.isoformat()


def routed_member(current: Mapping[str, Any]) -> str:
    """The member the transfer is routed for: the one asked for, or its successor after a merge."""
    key: str = current.get("routed_member_key") or current["member_key"]
    return key


def member_keys(current: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(dict.fromkeys((current["member_key"], routed_member(current))))


def transfer(store: Queries, transfer_id: str) -> dict[str, Any] | None:
    rows = store.read("transfers/transfer", {"transfer_id": transfer_id})
    return rows[0] if rows else None


def move_in(
    tx: TxRunner, current: Mapping[str, Any], moves: Sequence[Move], at: datetime,
    changes: Mapping[str, Any] | None = None, details: Mapping[str, int | bool | str] | None = None,
) -> None:  # fmt: skip
    """Apply ``moves`` in order, each with its history entry and audit event."""
    for i, move in enumerate(moves):
        history = {
            "from_state": move.from_state.value, "to_state": move.to_state.value, "owner": move.owner.value,
            "reason": move.reason, "actor": move.actor, "at": stamp(at),
        }  # fmt: skip
        params = {"transfer_id": current["transfer_id"], "from_state": move.from_state.value, "history": history,
                  "changes": dict(changes or {}) if i == len(moves) - 1 else {}}  # fmt: skip
        if not tx.write("transfers/transition", params):
            raise StaleTransfer(f"transfer {current['transfer_id']} is no longer {move.from_state}")
        if TransferState.HELD_FOR_IDENTITY in (move.from_state, move.to_state):
            refresh_queue(tx, member_keys=[current["member_key"]])  # held transfers weigh in the steward queue
        append(tx, _event(current, move, details or {}))


def _event(current: Mapping[str, Any], move: Move, details: Mapping[str, int | bool | str]) -> EventDraft:
    refused = move.to_state in (TransferState.REJECTED, TransferState.DEAD_LETTERED)
    return EventDraft(
        actor=move.actor, action=f"transfer.{move.to_state.value}", resource_type="Transfer",
        resource_id=current["transfer_id"], outcome=Outcome.REFUSED if refused else Outcome.SUCCESS,
        reason_code=move.reason.upper(), correlation_id=current["correlation_id"],
        member_keys=member_keys(current), partner_id=current["partner_id"], transfer_id=current["transfer_id"],
        details={"from_transfer_state": move.from_state.value.upper(), "to_transfer_state": move.to_state.value.upper(),
                 "owner": move.owner.value.upper(), **details},
    )  # fmt: skip


def schedule_in(tx: Queries, current: Mapping[str, Any], step: Step, due_at: datetime, *, generation: int = 0) -> str:
    """The transfer's next step, due at ``due_at``. The idempotency key the partner sees is
    the same for every attempt of the step (a replayed dead letter starts a new generation)."""
    suffix = f".r{generation}" if generation else ""
    key = f"{current['transfer_id']}.{step.value}{suffix}"
    at = stamp(due_at)
    message = {"message_id": f"{key}.{uuid.uuid4().hex[:12]}", "transfer_id": current["transfer_id"],
               "step": step.value, "due_at": at, "created_at": at, "idempotency_key": key,
               "correlation_id": current["correlation_id"]}  # fmt: skip
    tx.write("transfers/schedule_message", {"message": message})
    return key


def claim(store: GraphStore, worker: str, token: str, now: datetime, lease: timedelta, limit: int) -> list[Message]:
    ids = [r["message_id"] for r in store.read("transfers/due_messages", {"now": stamp(now), "limit": limit})]
    if not ids:
        return []
    params = {"ids": ids, "worker": worker, "now": stamp(now), "lease_until": stamp(now + lease), "token": token}
    return [Message.of(r["message"]) for r in store.write("transfers/claim_messages", params)]


def finish_in(tx: Queries, message: Message, at: datetime) -> None:
    params = {"message_id": message.message_id, "lease_token": message.lease_token, "at": stamp(at)}
    if not tx.write("transfers/finish_message", params):
        raise LeaseLost(message.message_id)


def reschedule_in(tx: Queries, message: Message, due_at: datetime, error: str) -> None:
    params = {"message_id": message.message_id, "lease_token": message.lease_token, "due_at": stamp(due_at),
              "error": error}  # fmt: skip
    if not tx.write("transfers/reschedule_message", params):
        raise LeaseLost(message.message_id)


def withdraw_in(tx: Queries, transfer_id: str, at: datetime) -> int:
    return int(tx.write("transfers/cancel_messages", {"transfer_id": transfer_id, "at": stamp(at)})[0]["withdrawn"])


@dataclass(frozen=True)
class Attempt:
    """One delivery attempt's transport facts (never a body: its hash at most)."""

    step: Step
    number: int
    started_at: datetime
    latency_ms: float
    status: int | None
    error_class: str | None
    replayed: bool
    worker: str


def attempt_in(tx: TxRunner, current: Mapping[str, Any], message: Message, attempt: Attempt) -> None:
    row = {
        "attempt_id": f"{message.message_id}.{attempt.number}", "transfer_id": current["transfer_id"],
        "step": attempt.step.value, "number": attempt.number, "started_at": stamp(attempt.started_at),
        "latency_ms": round(attempt.latency_ms, 1), "status": attempt.status, "error_class": attempt.error_class,
        "replayed": attempt.replayed, "worker": attempt.worker, "idempotency_key": message.idempotency_key,
    }  # fmt: skip
    tx.write("transfers/record_attempt", {"attempt": row})
    details: dict[str, int | bool | str] = {
        "step": attempt.step.value.upper(),
        "attempt": attempt.number,
        "latency_ms": int(attempt.latency_ms),
        "replayed": attempt.replayed,
    }
    if attempt.status is not None:
        details["status_code"] = attempt.status
    if attempt.error_class is not None:
        # codes carry no digits: the status code says which HTTP error it was
        details["error_class"] = (
            "HTTP_STATUS" if attempt.error_class.startswith("http_") else attempt.error_class.upper()
        )
    append(tx, EventDraft(
        actor=f"service:{attempt.worker}", action="transfer.attempt", resource_type="Transfer",
        resource_id=current["transfer_id"], outcome=Outcome.FAILED if attempt.error_class else Outcome.SUCCESS,
        reason_code=(attempt.error_class or "delivered").upper(), correlation_id=current["correlation_id"],
        member_keys=member_keys(current), partner_id=current["partner_id"], transfer_id=current["transfer_id"],
        details=details,
    ))  # fmt: skip
