"""The lease on a bulk pull, against the real Neo4j: of many processes claiming one pull at the same
moment exactly one holds it and the others are refused naming it; a live holder's lease is renewed
and never taken; a lease left by a dead holder is taken over once it has expired, and from then on
the old holder can record nothing (its saves, renewals and ingestions are fenced off); a lease given
back lets the next run in at once. Every claim and refusal is in the audit ledger."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from audit.search import Criteria
from audit.service import search_events
from exchange.bulk.pull import Partner, PullError
from exchange.bulk.pull_job import PullRun, run_pull
from exchange.bulk.pull_lease import LeaseLost, PullBusy, PullLease, claim, held
from graph.store import GraphStore

pytestmark = pytest.mark.integration
T0 = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
LEASE = timedelta(seconds=60)


def at(seconds: float) -> Callable[[], datetime]:
    return lambda: T0 + timedelta(seconds=seconds)


def take(store: GraphStore, holder: str, now: Callable[[], datetime], pull_id: str = "pull-1",
         partner: str = "payer-a") -> tuple[dict[str, Any], PullLease]:  # fmt: skip
    return claim(store, pull_id, partner, holder, LEASE, now, f"corr-{holder}")


def claims(store: GraphStore) -> list[tuple[str, str, str]]:
    found = search_events(store, Criteria(transfer_id="pull-1"), limit=100).events
    return [(e["actor"], e["outcome"], e["reason_code"]) for e in found if e["action"] == "bulk_pull.claim"]


def test_of_eight_processes_claiming_one_new_pull_at_once_exactly_one_holds_it(store: GraphStore) -> None:
    barrier, won, refused = threading.Barrier(8), [], []

    def contender(n: int) -> None:
        barrier.wait()
        try:
            take(store, f"holder-{n}", at(0))
            won.append(f"holder-{n}")
        except PullBusy as exc:
            refused.append(exc)

    threads = [threading.Thread(target=contender, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(won) == 1 and len(refused) == 7
    assert {(exc.holder, exc.until) for exc in refused} == {(won[0], "2030-01-01T12:01:00Z")}
    assert sorted(claims(store)) == sorted([(f"service:{won[0]}", "success", "PULL_STARTED")]
                                           + [(f"service:holder-{n}", "refused", "PULL_IN_PROGRESS")
                                              for n in range(8) if f"holder-{n}" != won[0]])  # fmt: skip


def test_a_lease_is_taken_over_only_once_expired_and_the_old_holder_is_fenced_off(store: GraphStore) -> None:
    _, first = take(store, "first", at(0))
    with pytest.raises(PullBusy):
        take(store, "second", at(59))  # a second before it expires
    pull, second = take(store, "second", at(61))  # first never renewed: it died
    assert pull["claims"] == 2
    with pytest.raises(LeaseLost):
        first.renew()
    assert first.lost.is_set()
    fence = {"pull_id": "pull-1", "token": first.token, "member_key": "M-1"}
    assert store.write("bulk/record_pull_member", fence) == []  # its ingestion would roll back
    assert store.write("bulk/save_pull", {"pull_id": "pull-1", "token": first.token, "changes": {"stage": "x"}}) == []
    first.release()  # gives back nothing: it is not its lease any more
    with pytest.raises(PullBusy) as caught:
        take(store, "third", at(62))
    assert caught.value.holder == "second"
    second.release()
    _, third = take(store, "third", at(63))  # given back: no wait
    assert third.token != second.token
    assert claims(store) == [("service:first", "success", "PULL_STARTED"),
                             ("service:second", "refused", "PULL_IN_PROGRESS"),
                             ("service:second", "success", "PULL_TAKEN_OVER"),
                             ("service:third", "refused", "PULL_IN_PROGRESS"),
                             ("service:third", "success", "PULL_RESUMED")]  # fmt: skip


def test_a_live_holder_keeps_its_lease_past_its_length_and_gives_it_back_when_done(store: GraphStore) -> None:
    def real_now() -> datetime:
        return datetime.now(UTC)

    _, lease = claim(store, "pull-1", "payer-a", "alive", timedelta(seconds=1.5), real_now, "corr-alive")
    with held(lease):
        time.sleep(3.5)  # more than twice the lease: renewed every half second
        with pytest.raises(PullBusy):
            claim(store, "pull-1", "payer-a", "other", timedelta(seconds=1.5), real_now, "corr-other")
    claim(store, "pull-1", "payer-a", "other", timedelta(seconds=1.5), real_now, "corr-other")


def test_a_pull_of_another_partner_is_refused_without_taking_it(store: GraphStore) -> None:
    _, lease = take(store, "first", at(0))
    lease.release()
    with pytest.raises(PullError) as caught:
        take(store, "second", at(1), partner="payer-z")
    assert caught.value.reason == "pull_of_another_partner"
    assert [c[2] for c in claims(store)] == ["PULL_STARTED"]


def matched_nobody(calls: list[str]) -> httpx.Client:
    """A previous payer whose match kicks off and ends with no member matched."""

    def answer(request: httpx.Request) -> httpx.Response:
        calls.append(f"{request.method} {request.url.path}")
        if request.method == "POST":
            return httpx.Response(202, headers={"Content-Location": "https://a.example/fhir/bulk-status/j1"})
        group = {"resourceType": "Group", "id": "g1", "member": []}
        return httpx.Response(200, json={"resourceType": "Parameters",
                                         "parameter": [{"name": "MatchedMembers", "resource": group}]})  # fmt: skip

    return httpx.Client(transport=httpx.MockTransport(answer))


def test_a_run_taken_over_mid_step_stops_without_recording_anything(store: GraphStore, tmp_path: Path) -> None:
    """A run paused past its lease (its heartbeat too) and taken over: its next write is refused."""
    calls: list[str] = []
    partner = Partner("payer-a", "https://a.example/fhir", lambda: "token")
    successor: list[PullLease] = []

    def taken_over_after(step: str) -> None:
        if step == "matching" and not successor:  # another process claims once our lease has expired
            successor.append(take(store, "successor", at(3600))[1])

    with matched_nobody(calls) as http:
        run = PullRun(store, tmp_path, http, partner, "pull-1", "corr-paused", [], stopped_after=taken_over_after,
                      holder="paused", now=at(0))  # fmt: skip
        with pytest.raises(LeaseLost):
            run_pull(run)
    assert calls == ["POST /fhir/Group/$bulk-member-match", "GET /fhir/bulk-status/j1"]  # it asked, then stopped
    successor[0].release()
    pull, _ = take(store, "checker", at(3601))
    assert pull["stage"] == "matching"  # the paused run's "completed" was never recorded
    assert [c[2] for c in claims(store)] == ["PULL_STARTED", "PULL_TAKEN_OVER", "PULL_RESUMED"]
