"""A run is recorded as loaded once: two loads of the same run (an operator starting a second
while the first runs) leave one complete run and one ``graph.load_run`` event."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from graph.loading import load_run
from graph.run_audit import finish_run
from graph.run_rows import LoadReport
from graph.store import GraphStore
from tests.integration.graph.conftest import RunMaker, pair
from tests.integration.graph.test_loading import counts, q

pytestmark = pytest.mark.integration

RUN = [pair("r1", "r2", "confirm", 20.0), pair("r4", "r5", "review", 5.0)]


def load_events(store: GraphStore, run_id: str) -> list[dict[str, Any]]:
    return q(
        store, "MATCH (e:AuditEvent {action: 'graph.load_run', resource_id: $run}) RETURN e.seq AS seq", run=run_id
    )


def test_finishing_a_run_that_is_already_complete_records_nothing(store: GraphStore, make_run: RunMaker) -> None:
    report = load_run(store, make_run("run1", RUN))
    assert len(load_events(store, "run1")) == 1
    finish_run(store, "model-run1", report)  # a second load that reached its end after the first
    assert len(load_events(store, "run1")) == 1
    assert q(store, "MATCH (r:MatchRun {run_id: 'run1'}) RETURN r.status AS s")[0]["s"] == "complete"


def test_two_loads_finishing_at_once_record_one_event(store: GraphStore, make_run: RunMaker) -> None:
    folder = make_run("run2", RUN)
    store.write("identity/run_start", {"run_id": "run2", "model_version": "model-run2", "records": 6, "pairs": 2})
    report = LoadReport("run2", False, 6, 2, 0, 0, 4, 6)
    start, failures = threading.Barrier(2), []

    def finish() -> None:
        try:
            start.wait()
            finish_run(store, "model-run2", report)
        except Exception as exc:  # surfaced below
            failures.append(exc)

    threads = [threading.Thread(target=finish) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures and len(load_events(store, "run2")) == 1
    snapshot = counts(store)
    assert load_run(store, folder).already_loaded and counts(store) == snapshot
