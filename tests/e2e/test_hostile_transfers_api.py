"""Hostile but plausible input over real HTTP on /transfers and /operations/transfers: a clear 4xx
OperationOutcome or, for input at the edges that is valid, a normal answer; never a 500, and a
refused request moves nothing (no transfer, history entry or audit event, no idempotency key
claimed for it)."""

from __future__ import annotations

import json
import socket
import time
from typing import Any

import httpx
import pytest

from exchange.transfers.partners import set_endpoint
from graph.store import GraphStore
from tests.support.checks import assert_outcome, labels
from tests.support.partners import bearer, register_partner

pytestmark = pytest.mark.integration

MEMBER = "M-0123456789abcdef"


def transfer_request(**changes: Any) -> dict[str, Any]:
    """A POST /transfers body (README's example) for MEMBER from payer-c; ``changes`` replace parts."""
    return {"member_key": MEMBER, "previous_payer": "payer-c",
            "previous_coverage": {"member_id": "A0001", "start": "2023-01-01", "end": "2026-10-31"},
            "new_coverage": {"member_id": "B0001", "start": "2026-11-01"},
            "consent": {"policy": "regular", "start": "2026-11-01", "end": "2031-10-31"},
            "source_request_id": "ENR-42"} | changes  # fmt: skip


@pytest.fixture
def enrollment(store: GraphStore) -> GraphStore:
    """A member of ours and a previous payer with an endpoint (never called: no worker runs here)."""
    register_partner(store, "payer-c")
    set_endpoint(store, "payer-c", fhir_base_url="http://127.0.0.1:9/fhir", token_url="http://127.0.0.1:9/auth/token",
                 client_id="us")  # fmt: skip
    store.driver.execute_query("CREATE (:Member {member_key: $key, status: 'active'})", {"key": MEMBER},
                               database_=store.database)  # fmt: skip
    return store


@pytest.mark.parametrize(
    ("part", "value"),
    [("new_coverage", {"member_id": "B0001", "start": "9999-12-31"}),
     ("consent", {"policy": "regular", "start": "2026-11-01", "end": "9999-12-31", "opted_in_on": "9999-12-28"})],
)  # fmt: skip
def test_a_coverage_start_or_opt_in_in_the_calendars_last_week_is_accepted_with_its_due_date(
    http: httpx.Client, enrollment: GraphStore, token_a: str, part: str, value: dict[str, Any]
) -> None:
    headers = bearer(token_a) | {"Idempotency-Key": f"last-week-{part}"}
    answer = http.post("/transfers", json=transfer_request(**{part: value}), headers=headers)
    assert answer.status_code == 201, answer.text
    assert answer.json()["request_due_by"] == "9999-12-31"


def test_a_reason_of_blanks_is_a_400_and_the_transfer_does_not_move(
    http: httpx.Client, enrollment: GraphStore, token_a: str, operator_token: str
) -> None:
    created = http.post("/transfers", json=transfer_request(), headers=bearer(token_a) | {"Idempotency-Key": "t-1"})
    transfer_id = created.json()["transfer_id"]
    blanks = {"reason": " \t    \n "}
    asks = [(f"/transfers/{transfer_id}/cancel", token_a)] + [
        (f"/operations/transfers/{transfer_id}/{action}", operator_token)
        for action in ("cancel", "supersede", "reopen-identity", "replay")
    ]
    for number, (path, token) in enumerate(asks):
        answer = http.post(path, json=blanks, headers=bearer(token) | {"Idempotency-Key": f"blank-{number}"})
        assert "reason" in assert_outcome(answer, 400, "invalid")["issue"][0]["diagnostics"], path
    seen = http.get(f"/transfers/{transfer_id}", headers=bearer(token_a)).json()
    assert (seen["state"], len(seen["history"])) == ("received", 1)
    rows, _, _ = enrollment.driver.execute_query("MATCH (e:AuditEvent) RETURN collect(e.action) AS actions",
                                                 database_=enrollment.database)  # fmt: skip
    assert rows[0]["actions"] == ["transfer.received"]


def test_an_upload_cut_short_claims_no_key_so_its_retry_runs(
    http: httpx.Client, api_url: str, enrollment: GraphStore, token_a: str
) -> None:
    """The connection drops halfway through the body: the key must stay free, or the retry with the
    whole body would be refused for 48 h as 'this key was used for a different request'."""
    body = json.dumps(transfer_request()).encode()
    head = (f"POST /transfers HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer {token_a}\r\nIdempotency-Key: cut-1\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode()  # fmt: skip
    port = int(api_url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as cut:
        cut.sendall(head + body[: len(body) // 2])
        time.sleep(0.5)  # the server has read the half that came
    deadline = time.monotonic() + 2  # a key claimed for the half body would appear within this
    while time.monotonic() < deadline and "IdempotencyKey" not in labels(enrollment):
        time.sleep(0.1)
    assert "IdempotencyKey" not in labels(enrollment) and "Transfer" not in labels(enrollment)
    retry = http.post("/transfers", content=body,
                      headers=bearer(token_a) | {"Idempotency-Key": "cut-1", "Content-Type": "application/json"})  # fmt: skip
    assert retry.status_code == 201, retry.text


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "text/plain; charset=utf-8", None])
def test_a_json_body_not_sent_as_json_is_a_415_naming_application_json(
    http: httpx.Client, enrollment: GraphStore, token_a: str, steward_token: str, content_type: str | None
) -> None:
    """curl -d sends application/x-www-form-urlencoded unless told: FastAPI then read the JSON as bytes
    and answered 400 'Input should be a valid dictionary'."""
    body = json.dumps(transfer_request()).encode()
    for path, token, number in [("/transfers", token_a, 1), ("/steward/merge", steward_token, 2)]:
        headers = (
            bearer(token)
            | {"Idempotency-Key": f"ct-{number}"}
            | ({"Content-Type": content_type} if content_type else {})
        )
        refused = assert_outcome(http.post(path, content=body, headers=headers), 415, "not-supported")
        assert "send application/json" in refused["issue"][0]["diagnostics"], path
    assert "Transfer" not in labels(enrollment)
    typed = bearer(token_a) | {"Idempotency-Key": "ct-json", "Content-Type": "application/json; charset=utf-8"}
    assert http.post("/transfers", content=body, headers=typed).status_code == 201


def test_a_transfer_cannot_be_superseded_by_itself_or_by_a_transfer_that_does_not_exist(
    http: httpx.Client, enrollment: GraphStore, token_a: str, operator_token: str
) -> None:
    """Superseded is final: a typo in superseded_by used to end the transfer for good, pointing nowhere."""
    created = http.post("/transfers", json=transfer_request(), headers=bearer(token_a) | {"Idempotency-Key": "t-1"})
    transfer_id = created.json()["transfer_id"]
    for number, by in enumerate((transfer_id, "T-00000000000000000000")):
        answer = http.post(f"/operations/transfers/{transfer_id}/supersede", json={"reason": "replaced", "superseded_by": by},
                           headers=bearer(operator_token) | {"Idempotency-Key": f"sup-{number}"})  # fmt: skip
        assert_outcome(answer, 422, "business-rule")
        assert answer.json()["issue"][0]["details"]["coding"][0]["code"] == "superseded_by_unknown"
    assert http.get(f"/transfers/{transfer_id}", headers=bearer(token_a)).json()["state"] == "received"
    newer = http.post("/transfers", json=transfer_request(source_request_id="ENR-43"),
                      headers=bearer(token_a) | {"Idempotency-Key": "t-2"}).json()["transfer_id"]  # fmt: skip
    replaced = http.post(f"/operations/transfers/{transfer_id}/supersede", json={"reason": "replaced", "superseded_by": newer},
                         headers=bearer(operator_token) | {"Idempotency-Key": "sup-ok"})  # fmt: skip
    assert replaced.status_code == 200 and replaced.json()["state"] == "superseded"
