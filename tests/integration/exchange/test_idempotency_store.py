"""Idempotency records in the real Neo4j: claim, replay, mismatch, in-flight, takeover after a
crash, release, scope per client, and the retention purge."""

from __future__ import annotations

import pytest

from exchange.domain.idempotency import Verdict
from exchange.idempotency_store import IdempotencyStore, StoredResponse, purge_expired
from graph.store import GraphStore

pytestmark = pytest.mark.integration
ANSWER = StoredResponse(201, [("content-type", "application/fhir+json"), ("location", "/t/1")], b'{"id": "1"}')


def keys(store: GraphStore, lock_s: float = 60, retention_s: int = 86_400) -> IdempotencyStore:
    return IdempotencyStore(store, lock_s, retention_s)


def test_a_completed_key_replays_its_answer_and_refuses_another_request(store: GraphStore) -> None:
    records = keys(store)
    first = records.claim("client-a", "k1", "fp1")
    assert first.verdict is Verdict.RUN
    assert records.claim("client-a", "k1", "fp1").verdict is Verdict.IN_FLIGHT
    assert records.complete("client-a", "k1", first.token, ANSWER)
    replay = records.claim("client-a", "k1", "fp1")
    assert (replay.verdict, replay.response) == (Verdict.REPLAY, ANSWER)
    assert records.claim("client-a", "k1", "fp2").verdict is Verdict.MISMATCH


def test_two_clients_with_the_same_key_never_collide(store: GraphStore) -> None:
    records = keys(store)
    assert records.claim("client-a", "same", "fp1").verdict is Verdict.RUN
    assert records.claim("client-b", "same", "fp2").verdict is Verdict.RUN


def test_a_released_key_runs_again(store: GraphStore) -> None:
    records = keys(store)
    first = records.claim("client-a", "k1", "fp1")
    records.release("client-a", "k1", first.token)
    assert records.claim("client-a", "k1", "fp1").verdict is Verdict.RUN


def test_after_a_crash_the_key_is_taken_over_once_its_lock_expires_and_the_dead_holder_cannot_settle_it(
    store: GraphStore,
) -> None:
    crashed = keys(store, lock_s=0).claim("client-a", "k1", "fp1")  # its lock ends at once: as if it had died
    retry = keys(store).claim("client-a", "k1", "fp1")
    assert retry.verdict is Verdict.RUN and retry.token != crashed.token
    assert keys(store).claim("client-a", "k1", "fp1").verdict is Verdict.IN_FLIGHT  # the retry holds it now
    assert not keys(store).complete("client-a", "k1", crashed.token, ANSWER)  # the old holder lost it
    keys(store).release("client-a", "k1", crashed.token)
    assert keys(store).complete("client-a", "k1", retry.token, ANSWER)
    assert keys(store).claim("client-a", "k1", "fp1").verdict is Verdict.REPLAY


def test_the_purge_deletes_only_records_past_their_retention(store: GraphStore) -> None:
    expired = keys(store, retention_s=0)
    done = expired.claim("client-a", "old", "fp1")
    expired.complete("client-a", "old", done.token, ANSWER)
    expired.claim("client-a", "old-in-flight", "fp1")
    kept = keys(store)
    kept.complete("client-a", "new", kept.claim("client-a", "new", "fp1").token, ANSWER)
    assert purge_expired(store) == 2
    assert kept.claim("client-a", "new", "fp1").verdict is Verdict.REPLAY
    assert kept.claim("client-a", "old", "fp2").verdict is Verdict.RUN  # gone: the key is free again
