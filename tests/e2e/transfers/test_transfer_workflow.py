"""Payer B (new payer) pulls members' histories from payer A (previous payer) over real HTTP,
each payer on its own Neo4j: the whole journey, idempotency, holds for identity, transient
faults retried, dead letters replayed, refusals never retried, and a worker that dies mid-step."""

from __future__ import annotations

import time
import uuid
from datetime import date, datetime, timedelta
from typing import Any

import httpx
import pytest

from audit.search import Criteria
from audit.service import search_events
from exchange.domain.transfer import FINISHED, TransferState
from exchange.member_data.ingest import received_for
from exchange.transfers import partners as endpoints
from exchange.transfers import repository
from exchange.transfers.worker import HANDLERS
from graph.domain.links import LinkState
from graph.stewardship import decide_link
from graph.store import GraphStore
from matching.linkage import jobs
from p2p.settings import Settings
from security.principal import Role
from tests.support.partners import bearer, person_token, register_partner, token_for
from tests.support.two_payers import HELD, PEOPLE, TwoPayers, drain, released_per_person, two_payers, worker_runtime

pytestmark = pytest.mark.integration
S = TransferState
HAPPY = ["received", "identity_pending", "matched", "consent_checked", "requesting_data", "receiving", "ingested",
         "acknowledged", "completed"]  # fmt: skip


def submit(t: TwoPayers, body: dict[str, Any], key: str | None = None, **headers: str) -> httpx.Response:
    sent = {**bearer(t.enrollment_token), "Idempotency-Key": uuid.uuid4().hex if key is None else key, **headers}
    return httpx.post(f"{t.url_b}/transfers", json=body, headers=sent, timeout=30)


def view(t: TwoPayers, transfer_id: str) -> dict[str, Any]:
    response = httpx.get(f"{t.url_b}/transfers/{transfer_id}", headers=bearer(t.enrollment_token), timeout=30)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def run_until_finished(t: TwoPayers, ids: list[str], timeout_s: float = 60, **overrides: Any) -> None:
    deadline = time.monotonic() + timeout_s
    with worker_runtime(t, **overrides) as rt:
        while time.monotonic() < deadline:
            drain(rt)
            if all(S(view(t, i)["state"]) in FINISHED | {S.DEAD_LETTERED, S.HELD_FOR_IDENTITY} for i in ids):
                return
            time.sleep(0.05)
    raise AssertionError(f"not finished: {[(i, view(t, i)['state']) for i in ids]}")


def decisions_at_a(t: TwoPayers) -> int:
    return len([e for e in search_events(t.store_a, Criteria(partner_id="payer-b")).events
                if e["action"] == "member_match.decide"])  # fmt: skip


def test_a_transfer_runs_from_request_to_acknowledgment_with_one_correlation_id_on_both_sides(
    payers: TwoPayers,
) -> None:
    person = PEOPLE[0]
    response = submit(payers, payers.transfer_request(person, "ENR-1"), **{"X-Correlation-ID": "corr-transfer-0001"})
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["state"] == "received" and created["owner"] == "service"
    assert response.headers["Location"] == f"/transfers/{created['transfer_id']}"
    assert response.headers["X-Correlation-ID"] == "corr-transfer-0001"

    run_until_finished(payers, [created["transfer_id"]])

    done = view(payers, created["transfer_id"])
    assert [h["to_state"] for h in done["history"]] == HAPPY
    assert (done["state"], done["owner"]) == ("completed", "none")
    assert [(a["step"], a["status"], a["error_class"]) for a in done["attempts"]] == [
        ("member_match", 200, None), ("fetch_data", 200, None), ("acknowledge", 200, None)]  # fmt: skip
    assert done["request_late"] is False
    # B kept what A released under a regular consent: no sensitive resource, nothing older than five years
    received = received_for(payers.store_b, created["member_key"])
    assert sum(r["resource_count"] for r in received) == released_per_person()
    assert {r["resource_type"] for r in received} == {"Encounter"}
    # both ledgers tell the story under the caller's correlation id
    at_b = [e["action"] for e in search_events(payers.store_b, Criteria(correlation_id="corr-transfer-0001")).events]
    assert at_b[0] == "transfer.received" and at_b[-1] == "transfer.completed"
    assert at_b.count("transfer.attempt") == 3 and "member_data.ingest" in at_b
    at_a = [e["action"] for e in search_events(payers.store_a, Criteria(correlation_id="corr-transfer-0001")).events]
    assert at_a[0] == "member_match.decide" and at_a[-1] == "transfer.acknowledgment_received"


def test_idempotency_keys_and_the_business_intent_find_the_first_transfer(payers: TwoPayers) -> None:
    body = payers.transfer_request(PEOPLE[1], "ENR-2")
    first = submit(payers, body, key="enroll-key-0001")
    assert first.status_code == 201
    replay = submit(payers, body, key="enroll-key-0001")
    assert replay.status_code == 201 and replay.headers.get("Idempotent-Replayed") == "true"
    assert replay.json()["transfer_id"] == first.json()["transfer_id"]
    other_body = submit(payers, {**body, "source_request_id": "ENR-2b"}, key="enroll-key-0001")
    assert other_body.status_code == 422
    assert submit(payers, body, key="").status_code == 400
    no_key = httpx.post(f"{payers.url_b}/transfers", json=body, headers=bearer(payers.enrollment_token), timeout=30)
    assert no_key.status_code == 400 and no_key.json()["resourceType"] == "OperationOutcome"
    retry_new_key = submit(payers, body, key="enroll-key-0002")  # a retry that lost its key: same intent
    assert retry_new_key.status_code == 200 and retry_new_key.headers["X-Existing-Transfer"] == "true"
    assert retry_new_key.json()["transfer_id"] == first.json()["transfer_id"]
    other_client = register_partner(payers.store_b, "enrollment-2", scopes=["system/Transfer.write"])
    with httpx.Client(base_url=payers.url_b, timeout=30) as http:
        other_token = token_for(http, other_client, scope="system/Transfer.write")
    foreign = httpx.post(f"{payers.url_b}/transfers", json=body, timeout=30,
                         headers={**bearer(other_token), "Idempotency-Key": "enroll-key-0001"})  # fmt: skip
    assert foreign.status_code == 409  # the intent is known, but it is not this client's transfer to see
    assert foreign.json()["issue"][0]["details"]["coding"][0]["code"] == "intent_of_another_client"


@pytest.mark.parametrize(
    ("changes", "status", "reason"),
    [
        ({"previous_payer": "payer-zz"}, 422, "unknown_partner"),
        ({"member_key": "M-00000000000000ff"}, 404, None),
        ({"member_key": "M-1' OR 1=1 //"}, 400, None),
        ({"new_coverage": {"member_id": "B1", "start": "2026-13-01"}}, 400, None),
    ],
)
def test_bad_requests_get_an_operation_outcome_and_write_nothing(
    payers: TwoPayers, changes: dict[str, Any], status: int, reason: str | None
) -> None:
    response = submit(payers, payers.transfer_request(PEOPLE[2], "ENR-3", **changes))
    assert response.status_code == status, response.text
    issue = response.json()["issue"][0]
    if reason:
        assert issue["details"]["coding"][0]["code"] == reason
    operator = person_token(payers.b, Role.OPERATOR, "olu")
    listed = httpx.get(f"{payers.url_b}/operations/transfers", headers=bearer(operator), timeout=30).json()
    assert listed["transfers"] == []


def test_a_member_under_identity_review_is_held_then_proceeds_by_itself_once_a_steward_decides(
    payers: TwoPayers,
) -> None:
    transfer_id = submit(payers, payers.transfer_request(HELD, "ENR-4")).json()["transfer_id"]
    run_until_finished(payers, [transfer_id])
    held = view(payers, transfer_id)
    assert (held["state"], held["owner"], held["reason"]) == ("held_for_identity", "steward", "identity_links_open")
    assert held["attempts"] == []  # nothing was sent to the previous payer

    member = payers.store_b.read("identity/routing_decision", {"member_key": held["member_key"]})[0]
    decide_link(payers.store_b, member["open_links"][0]["link_id"], LinkState.CONFIRMED, "ana", "same person: ID card")
    time.sleep(payers.b.transfer_hold_recheck_s)
    run_until_finished(payers, [transfer_id])

    done = view(payers, transfer_id)
    assert done["state"] == "completed", done
    assert [h["reason"] for h in done["history"]][1:3] == ["identity_links_open", "identity_released"]


def test_transient_faults_are_retried_and_the_partner_never_does_anything_twice(
    graphs: tuple[GraphStore, GraphStore], settings_a: Settings, settings_b: Settings, trained_model: jobs.TrainResult
) -> None:
    faults = {"faults": "503=0.2,429=0.15,reset=0.1,slow=0.1,duplicate=0.2", "faults_seed": 7,
              "faults_retry_after_s": 0, "faults_slow_s": 2.5}  # slow: longer than B's 2 s timeout  # fmt: skip
    with two_payers(settings_a, settings_b, *graphs, trained_model, a_overrides=faults) as t:
        ids = [submit(t, t.transfer_request(p, f"ENR-5-{p.key}")).json()["transfer_id"] for p in PEOPLE[:4]]
        run_until_finished(t, ids, timeout_s=120, transfer_max_attempts=12)
        views = [view(t, i) for i in ids]
        assert [v["state"] for v in views] == ["completed"] * 4
        errors = [a["error_class"] for v in views for a in v["attempts"] if a["error_class"]]
        assert errors and set(errors) <= {"http_503", "http_429", "connection", "timeout"}
        assert decisions_at_a(t) == 4  # one identity decision per member, whatever was retried or duplicated


def test_an_unreachable_partner_dead_letters_for_an_operator_and_a_replay_finishes_the_transfer(
    payers: TwoPayers,
) -> None:
    real = endpoints.endpoint(payers.store_b, "payer-a")
    closed = f"http://127.0.0.1:{_closed_port()}"
    endpoints.set_endpoint(payers.store_b, "payer-a", fhir_base_url=f"{closed}/fhir", token_url=real.token_url,
                           client_id=real.client_id)  # fmt: skip
    transfer_id = submit(payers, payers.transfer_request(PEOPLE[3], "ENR-6")).json()["transfer_id"]
    run_until_finished(payers, [transfer_id])
    dead = view(payers, transfer_id)
    assert (dead["state"], dead["owner"], dead["reason"]) == ("dead_lettered", "operator", "attempts_exhausted")
    assert [a["error_class"] for a in dead["attempts"]] == ["connection"] * payers.b.transfer_max_attempts

    endpoints.set_endpoint(payers.store_b, "payer-a", fhir_base_url=real.fhir_base_url, token_url=real.token_url,
                           client_id=real.client_id)  # fmt: skip
    operator = person_token(payers.b, Role.OPERATOR, "olu")
    replayed = httpx.post(f"{payers.url_b}/operations/transfers/{transfer_id}/replay", json={"reason": "A is back up"},
                          headers={**bearer(operator), "Idempotency-Key": "replay-0001"}, timeout=30)  # fmt: skip
    assert replayed.status_code == 200, replayed.text
    assert replayed.json()["state"] == "identity_pending"
    run_until_finished(payers, [transfer_id])
    done = view(payers, transfer_id)
    assert done["state"] == "completed"
    assert [h["actor"] for h in done["history"] if h["reason"] == "replayed"] == ["operator:olu"]


def test_an_identity_refusal_at_the_partner_is_final_after_one_attempt(payers: TwoPayers) -> None:
    body = payers.transfer_request(PEOPLE[4], "ENR-7", previous_coverage={"member_id": "ZZ99999999"})
    transfer_id = submit(payers, body).json()["transfer_id"]
    run_until_finished(payers, [transfer_id])
    refused = view(payers, transfer_id)
    assert refused["state"] == "rejected" and refused["reason"].startswith("identity_")
    assert refused["owner"] == "steward"
    assert len(refused["attempts"]) == 1 and refused["attempts"][0]["status"] == 422


def test_a_worker_that_dies_after_the_partner_answered_is_replaced_and_the_partner_replays(
    payers: TwoPayers,
) -> None:
    transfer_id = submit(payers, payers.transfer_request(PEOPLE[5], "ENR-8")).json()["transfer_id"]
    with worker_runtime(payers, "doomed") as rt:
        drain(rt, rounds=1)  # check_identity: now waiting for $member-match
        claimed = repository.claim(payers.store_b, "doomed", "t0", rt.now(), timedelta(seconds=0.5), 10)
        assert [m.step.value for m in claimed] == ["member_match"]
        current = repository.transfer(payers.store_b, transfer_id)
        assert current is not None
        HANDLERS[claimed[0].step](rt, current["transfer"], claimed[0])  # A answered; the worker dies before committing
    assert decisions_at_a(payers) == 1
    time.sleep(0.6)  # the lease expires
    run_until_finished(payers, [transfer_id])
    done = view(payers, transfer_id)
    assert done["state"] == "completed"
    first = done["attempts"][0]
    assert (first["step"], first["replayed"]) == ("member_match", True)
    assert decisions_at_a(payers) == 1


def test_the_requester_can_cancel_and_nothing_runs_afterwards(payers: TwoPayers) -> None:
    transfer_id = submit(payers, payers.transfer_request(PEOPLE[0], "ENR-9")).json()["transfer_id"]
    cancelled = httpx.post(f"{payers.url_b}/transfers/{transfer_id}/cancel", json={"reason": "member disenrolled"},
                           headers={**bearer(payers.enrollment_token), "Idempotency-Key": "cancel-0001"}, timeout=30)  # fmt: skip
    assert cancelled.status_code == 200, cancelled.text
    with worker_runtime(payers) as rt:
        assert drain(rt).counts == {}
    after = view(payers, transfer_id)
    assert (after["state"], after["owner"], after["attempts"]) == ("cancelled", "none", [])
    again = httpx.post(f"{payers.url_b}/transfers/{transfer_id}/cancel", json={"reason": "second time"},
                       headers={**bearer(payers.enrollment_token), "Idempotency-Key": "cancel-0002"}, timeout=30)  # fmt: skip
    assert again.status_code == 409


def _closed_port() -> int:
    from p2p.ports import free_port

    return free_port()


def test_a_partner_asking_to_wait_is_given_that_long_before_the_next_attempt(
    graphs: tuple[GraphStore, GraphStore], settings_a: Settings, settings_b: Settings, trained_model: jobs.TrainResult
) -> None:
    throttled = {"faults": "429=1.0", "faults_retry_after_s": 30}
    with two_payers(settings_a, settings_b, *graphs, trained_model, a_overrides=throttled) as t:
        transfer_id = submit(t, t.transfer_request(PEOPLE[1], "ENR-10")).json()["transfer_id"]
        before = time.time()
        with worker_runtime(t) as rt:
            drain(rt)
        waiting = view(t, transfer_id)
        assert waiting["state"] == "identity_pending" and waiting["owner"] == "service"
        assert [(a["status"], a["error_class"]) for a in waiting["attempts"]] == [(429, "http_429")]
        due = datetime.fromisoformat(waiting["pending_step"]["due_at"]).timestamp()
        assert due >= before + 30  # Retry-After wins over the 0.2 s backoff cap


def test_a_request_sent_more_than_a_week_after_coverage_started_is_flagged_late(payers: TwoPayers) -> None:
    started = (date.today() - timedelta(days=30)).isoformat()
    body = payers.transfer_request(PEOPLE[3], "ENR-11", new_coverage={"member_id": "B40001", "start": started})
    body["consent"]["start"] = started
    transfer_id = submit(payers, body).json()["transfer_id"]
    run_until_finished(payers, [transfer_id])
    done = view(payers, transfer_id)
    assert done["state"] == "completed"
    assert done["request_late"] is True and done["request_due_by"] < date.today().isoformat()
