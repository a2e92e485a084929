"""A worker: claim due outbox messages with a lease, run each one's step, commit what it
decided. Any number of workers (threads or processes) can run against one database; a
worker killed mid-step loses its lease when it expires and another one re-runs the step
with the same idempotency key, so the partner recognises the repeat."""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from datetime import timedelta
from typing import Any

from neo4j.exceptions import DriverError, Neo4jError, ServiceUnavailable, SessionExpired

from exchange.domain.transfer import TRANSITIONS, Move, Step, TransferState, step_for
from exchange.transfers import repository
from exchange.transfers.partners import PartnerUnavailable
from exchange.transfers.plan import Plan, commit
from exchange.transfers.repository import LeaseLost, Message, StaleTransfer
from exchange.transfers.runtime import Runtime
from exchange.transfers.steps_local import LOCAL
from exchange.transfers.steps_remote import REMOTE
from p2p.logs import correlation

log = logging.getLogger(__name__)
HANDLERS = {**LOCAL, **REMOTE}


def run_message(rt: Runtime, message: Message) -> str:
    """Run one claimed message to a committed decision; returns what happened (for counters)."""
    found = repository.transfer(rt.store, message.transfer_id)
    current: Mapping[str, Any] | None = found["transfer"] if found else None
    with correlation(current["correlation_id"] if current else None):
        if current is None or step_for(TransferState(current["state"])) is not message.step:
            return _close_stale(rt, message)
        if message.claims > rt.policy.max_attempts * 2:  # workers keep dying or failing on this step
            plan = give_up(rt, current, message, "step_keeps_failing")
        else:
            try:
                plan = HANDLERS[message.step](rt, current, message)
            except PartnerUnavailable as exc:  # deregistered, suspended or without endpoint mid-transfer
                plan = give_up(rt, current, message, exc.reason)
        try:
            rt.store.in_write_transaction(lambda tx: commit(tx, current, message, plan))
        except LeaseLost:
            log.warning("lease lost; another worker owns the message now", extra={"message_id": message.message_id})
            return "lease_lost"
        except StaleTransfer:
            log.info("transfer moved meanwhile; step dropped", extra={"transfer_id": message.transfer_id})
            return _close_stale(rt, message)
        outcome = plan.moves[-1].to_state.value if plan.moves else ("retry" if plan.retry_at else "rescheduled")
        log.info("step %s: %s", message.step.value, outcome,
                 extra={"transfer_id": message.transfer_id, "attempt": message.attempts + 1})  # fmt: skip
        return outcome


def give_up(rt: Runtime, current: Mapping[str, Any], message: Message, reason: str) -> Plan:
    """The step cannot run: dead-lettered for an operator where the table allows it, else rejected."""
    state = TransferState(current["state"])
    dead = TransferState.DEAD_LETTERED in TRANSITIONS[state]
    target = TransferState.DEAD_LETTERED if dead else TransferState.REJECTED
    changes = {"failed_step": message.step.value} if dead else {}
    return Plan(at=rt.now(), moves=(Move(state, target, reason, rt.actor),), changes=changes)


def _close_stale(rt: Runtime, message: Message) -> str:
    with suppress(LeaseLost):  # someone else closed it: nothing left to do
        rt.store.in_write_transaction(lambda tx: repository.finish_in(tx, message, rt.now()))
    return "stale"


class Worker:
    """Claims up to ``concurrency`` messages at a time and runs them on as many threads."""

    def __init__(self, rt: Runtime, *, concurrency: int, lease: timedelta, poll_s: float) -> None:
        self.rt, self.concurrency, self.lease, self.poll_s = rt, concurrency, lease, poll_s
        self.stop = threading.Event()
        self.counts: dict[str, int] = {}

    def run_once(self, pool: ThreadPoolExecutor) -> int:
        token = uuid.uuid4().hex
        messages = repository.claim(
            self.rt.store, self.rt.worker_id, token, self.rt.now(), self.lease, self.concurrency
        )
        for outcome in pool.map(self._safe, messages):
            self.counts[outcome] = self.counts.get(outcome, 0) + 1
        return len(messages)

    def _safe(self, message: Message) -> str:
        try:
            return run_message(self.rt, message)
        except (ServiceUnavailable, SessionExpired) as exc:
            log.warning("database unavailable during a step (%s); the lease will expire", type(exc).__name__)
            return "database_unavailable"
        except Neo4jError as exc:
            log.error("step failed on the database (%s); the lease will expire", exc.code)
            return "database_error"
        except Exception as exc:  # a bug must not stop the worker; the class only: its text may quote data
            log.error("step failed (%s); the lease will expire and the step is retried", type(exc).__name__,
                      extra={"transfer_id": message.transfer_id, "step": message.step.value})  # fmt: skip
            return "error"

    def run(self) -> None:
        with ThreadPoolExecutor(self.concurrency, thread_name_prefix="transfer-step") as pool:
            while not self.stop.is_set():
                try:
                    claimed = self.run_once(pool)
                except (DriverError, Neo4jError) as exc:  # down, restarting, overloaded: never the end of the worker
                    log.warning(
                        "claiming failed on the database (%s); retrying",
                        getattr(exc, "code", None) or type(exc).__name__,
                    )
                    claimed = 0
                if not claimed:
                    self.stop.wait(self.poll_s)


__all__ = ["HANDLERS", "Step", "Worker", "run_message"]
