"""Appending against the real Neo4j: in the caller's transaction, and one unforked chain under concurrency."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from neo4j.exceptions import ConstraintError

from audit import clock, ledger
from audit.domain.canonical import GENESIS_HASH
from audit.keys import AuditKeys
from audit.ledger import append
from audit.service import verify
from graph.store import GraphStore
from tests.integration.audit.conftest import TAMPER, append_many, append_one, draft, stored_event
from tests.integration.graph.test_loading import q

pytestmark = pytest.mark.integration


def test_events_chain_from_genesis_and_are_stored_as_sealed(store: GraphStore, keys: AuditKeys) -> None:
    events = append_many(store, 3)
    assert [e.seq for e in events] == [1, 2, 3]
    assert events[0].prev_hash == GENESIS_HASH and events[1].prev_hash == events[0].hash
    stored = stored_event(store, 2)
    assert stored["hash"] == events[1].hash and stored["member_keys"] == ["M-2"]
    assert verify(store, keys).ok


class Boom(Exception):
    pass


def test_an_event_commits_only_with_the_change_it_describes(store: GraphStore) -> None:
    append_many(store, 2)

    def change_then_fail(tx):  # type: ignore[no-untyped-def]
        tx.run("identity/run_start", {"run_id": "r9", "model_version": "m", "records": 0, "pairs": 0})
        append(tx, draft(9))
        raise Boom

    with pytest.raises(Boom):
        store.in_write_transaction(change_then_fail)
    assert q(store, "MATCH (r:MatchRun) RETURN count(r) AS n")[0]["n"] == 0
    assert store.read("audit/head")[0]["seq"] == 2
    assert append_one(store, draft(3)).seq == 3  # no gap left behind


def test_event_times_come_from_the_audit_clock_and_never_go_back(store: GraphStore) -> None:
    later, earlier = datetime(2030, 1, 1, tzinfo=UTC), datetime(2029, 1, 1, tzinfo=UTC)
    with clock.use_clock(lambda: later):
        first = append_one(store, draft(1))
    with clock.use_clock(lambda: earlier):  # a clock that went back (another host, an NTP step)
        second = append_one(store, draft(2))
    with clock.use_clock(lambda: later + timedelta(seconds=1)):
        third = append_one(store, draft(3))
    assert first.occurred_at == second.occurred_at == "2030-01-01T00:00:00.000000Z"
    assert third.occurred_at == "2030-01-01T00:00:01.000000Z"


def test_concurrent_appends_never_fork_the_chain(store: GraphStore, keys: AuditKeys) -> None:
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            for i in range(50):
                append_one(store, draft(n * 100 + i))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    seqs = [r["s"] for r in q(store, "MATCH (e:AuditEvent) RETURN e.seq AS s ORDER BY s")]
    assert seqs == list(range(1, 401))
    report = verify(store, keys, page_size=100)
    assert report.ok and report.events == 400


def test_a_second_event_with_a_taken_seq_is_refused_by_the_database(store: GraphStore) -> None:
    append_many(store, 2)
    copy = {**stored_event(store, 2), "event_id": "another"}
    with pytest.raises(ConstraintError):
        store.driver.execute_query(TAMPER("create_event").text, {"event": copy}, database_=store.database)


def test_a_batch_appends_in_one_write_and_chains_on_like_single_appends(store: GraphStore, keys: AuditKeys) -> None:
    append_one(store, draft(0))
    batch = store.in_write_transaction(lambda tx: ledger.append_many(tx, [draft(n) for n in range(1, 6)]))
    append_one(store, draft(6))
    assert [e.seq for e in batch] == [2, 3, 4, 5, 6]
    assert (
        batch[0].prev_hash == stored_event(store, 1)["hash"] and stored_event(store, 7)["prev_hash"] == batch[-1].hash
    )
    report = verify(store, keys)
    assert report.ok and report.events == 7
    assert store.in_write_transaction(lambda tx: ledger.append_many(tx, [])) == []
