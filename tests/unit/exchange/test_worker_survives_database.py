"""A worker outlives its database: while Neo4j is down, restarting (transient errors) or too busy to
answer in time (a timed-out transaction), claiming fails and the worker keeps polling, then claims
again once the database answers. Before, anything but ServiceUnavailable or SessionExpired ended
the worker process."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from neo4j.exceptions import Neo4jError, ServiceUnavailable, SessionExpired, TransientError

from exchange.transfers.worker import Worker

OUTAGE = [
    ServiceUnavailable("couldn't connect"),
    SessionExpired("gone"),
    TransientError("database unavailable"),
    Neo4jError._hydrate_neo4j(code="Neo.ClientError.Transaction.TransactionTimedOut", message="timed out"),
]


class RestartingStore:
    """Fails each claim with the next error of the outage, then answers with nothing due."""

    def __init__(self, worker: list[Worker]) -> None:
        self.errors, self.worker, self.calls = list(OUTAGE), worker, 0

    def read(self, name: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        self.worker[0].stop.set()  # the database answers again: enough for the test
        return []


def test_the_worker_keeps_claiming_through_a_database_outage() -> None:
    holder: list[Worker] = []
    store = RestartingStore(holder)
    rt = SimpleNamespace(store=store, worker_id="w", now=lambda: datetime(2026, 1, 1, tzinfo=UTC))
    holder.append(Worker(rt, concurrency=1, lease=timedelta(seconds=5), poll_s=0.01))  # type: ignore[arg-type]
    thread = threading.Thread(target=holder[0].run)
    thread.start()
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert store.calls == len(OUTAGE) + 1  # every failure survived, then a claim answered
