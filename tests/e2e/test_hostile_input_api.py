"""Hostile but plausible input over real HTTP: every answer is a 4xx FHIR OperationOutcome (never
a 500) and a refused request leaves nothing behind (no transfer, job or decision, no audit event,
no idempotency record in flight)."""

from __future__ import annotations

import json
import socket
import time
from typing import Any

import httpx
import pytest

from api.app import create_app
from exchange.transfers.partners import set_endpoint
from graph.store import GraphStore
from p2p.settings import Settings
from tests.support.partners import bearer, register_partner
from tests.support.servers import serving

pytestmark = pytest.mark.integration

FHIR = "application/fhir+json"
ASYNC = {"Prefer": "respond-async"}
# The routes that read a JSON body by hand (the others leave it to FastAPI): path, extra headers.
HAND_PARSED = [
    ("/fhir/Patient/$member-match", {}),
    ("/fhir/Group/$bulk-member-match", ASYNC),
    ("/fhir/Group/g-1/$davinci-data-export", ASYNC),
    ("/fhir/$transfer-acknowledgment", {}),
]
NOT_JSON = {
    "nested 100,000 deep": b"[" * 100_000 + b"]" * 100_000,
    "an integer of 5,000 digits": b'{"resourceType": "Parameters", "parameter": [{"name": "x", "valueInteger": '
    + b"9" * 5000
    + b"}]}",
    "an unpaired surrogate": b'{"resourceType": "Parameters", "parameter": [{"name": "\\ud800", "valueString": "x"}]}',
    "NaN": b'{"resourceType": "Parameters", "parameter": [{"name": "x", "valueDecimal": NaN}]}',
    "1e999": b'{"resourceType": "Parameters", "parameter": [{"name": "x", "valueDecimal": 1e999}]}',
    "a property twice": b'{"resourceType": "Bundle", "resourceType": "Parameters", "parameter": []}',
}


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


def labels(store: GraphStore) -> dict[str, int]:
    rows, _, _ = store.driver.execute_query(
        "MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS n", database_=store.database
    )
    return {row["label"]: row["n"] for row in rows}


def assert_outcome(response: httpx.Response, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(FHIR)
    body: dict[str, Any] = response.json()
    assert body["resourceType"] == "OperationOutcome"
    if code is not None:
        assert body["issue"][0]["code"] == code, body
    return body


@pytest.mark.parametrize("kind", sorted(NOT_JSON))
def test_a_body_that_is_not_json_is_a_400_on_every_hand_parsed_route_and_nothing_is_written(
    http: httpx.Client, store: GraphStore, token_a: str, kind: str
) -> None:
    before = labels(store)
    for number, (path, extra) in enumerate(HAND_PARSED):
        headers = bearer(token_a) | {"Content-Type": FHIR, "Idempotency-Key": f"not-json-{number}"} | extra
        body = assert_outcome(http.post(path, content=NOT_JSON[kind], headers=headers), 400, "structure")
        assert body["issue"][0]["diagnostics"].startswith("not JSON"), (path, body)
    after = labels(store)
    keys = after.pop("IdempotencyKey", 0)
    assert after == before  # no job, decision, acknowledgment or audit event
    rows, _, _ = store.driver.execute_query(
        "MATCH (k:IdempotencyKey) WHERE NOT k.completed RETURN count(k) AS n", database_=store.database
    )
    assert rows[0]["n"] == 0 and keys <= len(HAND_PARSED)  # each key kept with its 400, none left in flight


@pytest.mark.parametrize("parameter", [5, {"name": "exportType"}, "exportType", True])
def test_an_export_body_whose_parameter_is_not_a_list_is_a_400(
    http: httpx.Client, store: GraphStore, token_a: str, parameter: Any
) -> None:
    headers = bearer(token_a) | {"Content-Type": FHIR} | ASYNC
    body = {"resourceType": "Parameters", "parameter": parameter}
    answer = http.post("/fhir/Group/g-1/$davinci-data-export", json=body, headers=headers)
    assert_outcome(answer, 400, "invalid")
    assert "BulkJob" not in labels(store)


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


@pytest.mark.parametrize(
    ("query", "status"),
    [("until=9999-12-31", 200), ("since=0001-01-01T00:00:00%2B05:00", 400), ("until=9999-12-31T23:59:59-05:00", 400)],
)
def test_audit_search_dates_at_the_calendars_edges_are_answered_not_overflowed(
    http: httpx.Client, store: GraphStore, operator_token: str, query: str, status: int
) -> None:
    answer = http.get(f"/audit/events?partner=payer-a&{query}", headers=bearer(operator_token))
    if status == 200:
        assert answer.status_code == 200 and answer.json()["events"] == [], answer.text
    else:
        assert "outside the years 1 to 9999" in assert_outcome(answer, 400)["issue"][0]["diagnostics"]


@pytest.fixture
def matched_to_a(store: GraphStore) -> GraphStore:
    """MEMBER as a unique $member-match named it to payer-a (what an acknowledgment must refer to)."""
    store.driver.execute_query(
        "CREATE (m:Member {member_key: $key, status: 'active'})<-[:IDENTIFIED]-"
        "(:MatchDecision {partner_id: 'payer-a', outcome: 'unique_match', record_id: 'A-1', at: '2026-01-01'}), "
        "(:SourceRecord {record_id: 'A-1', first_name: 'Test', last_name: 'Person', dob: '1970-01-01'})",
        {"key": MEMBER}, database_=store.database,
    )  # fmt: skip
    return store


def acknowledgment(**changes: Any) -> dict[str, Any]:
    values = {"transferId": {"valueString": "T-1"}, "memberIdentifier": {"valueString": MEMBER},
              "resourcesReceived": {"valueUnsignedInt": 3}, "contentSha256": {"valueString": "a" * 64},
              "status": {"valueCode": "received"}} | changes  # fmt: skip
    return {"resourceType": "Parameters", "parameter": [{"name": name, **value} for name, value in values.items()]}


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (acknowledgment(resourcesReceived={"valueUnsignedInt": 2**63}), "resourcesReceived"),  # past Neo4j's integers
        (acknowledgment(transferId={"valueString": "T-1\n"}), "transferId"),  # '$' matched before the newline
        ({"resourceType": "Parameters", "parameter": 5}, "parameter must be a list"),
        ({"resourceType": "Parameters", "parameter": [*acknowledgment()["parameter"], "x"]}, "each with a name"),
        ({"resourceType": "Parameters", "parameter": [*acknowledgment()["parameter"],
                                                      {"name": "transferId", "valueString": "T-2"}]}, "more than once"),
    ],
)  # fmt: skip
def test_a_malformed_acknowledgment_is_a_400_and_nothing_is_recorded(
    http: httpx.Client, matched_to_a: GraphStore, token_a: str, body: dict[str, Any], says: str
) -> None:
    headers = bearer(token_a) | {"Content-Type": FHIR}
    refused = http.post("/fhir/$transfer-acknowledgment", json=body, headers=headers | {"Idempotency-Key": "ack-bad"})
    assert says in assert_outcome(refused, 400, "invalid")["issue"][0]["diagnostics"]
    assert {"TransferAcknowledgment", "AuditEvent"}.isdisjoint(labels(matched_to_a))
    good = http.post(
        "/fhir/$transfer-acknowledgment", json=acknowledgment(), headers=headers | {"Idempotency-Key": "ack"}
    )
    assert good.status_code == 200 and "recorded" in good.text


@pytest.mark.parametrize(
    ("path", "body"),
    [("/steward/links/L-1%0A/confirm", {}), ("/steward/members/M-1%0A/split", {"record_ids": ["r-1"]}),
     ("/steward/merge", {"member_keys": ["M-1\n", "M-2"]})],
)  # fmt: skip
def test_a_steward_id_ending_in_a_newline_is_refused_and_the_refusal_audited_with_its_hash(
    http: httpx.Client, store: GraphStore, steward_token: str, path: str, body: dict[str, Any]
) -> None:
    """'\\n' passed re.match('^...$'), so the id was kept as a token and failed the audit event's own check."""
    headers = bearer(steward_token) | {"Idempotency-Key": "newline"}
    answer = http.post(path, json={"reason": "checked by hand"} | body, headers=headers)
    assert answer.status_code in (404, 422) and answer.json()["resourceType"] == "OperationOutcome", answer.text
    rows, _, _ = store.driver.execute_query("MATCH (e:AuditEvent) RETURN e.outcome AS outcome, e.resource_id AS id",
                                            database_=store.database)  # fmt: skip
    assert [(r["outcome"], r["id"][:7]) for r in rows] == [("refused", "sha256:")]


def test_an_unexpected_error_is_a_500_operation_outcome_that_names_no_cause(settings: Settings) -> None:
    """Whatever bug is left answers as every error does (a FHIR OperationOutcome), not in plain text."""
    app = create_app(settings)

    def broken() -> None:
        raise RuntimeError("Patient Smithson, born 1970-01-01")  # an exception's text may quote input

    app.add_api_route("/test/broken", broken)
    with serving(app) as url, httpx.Client(base_url=url, timeout=30) as client:
        body = assert_outcome(client.get("/test/broken"), 500, "exception")
    assert "Smithson" not in str(body)


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


@pytest.mark.parametrize(("method", "path"), [("POST", "/fhir/Patient/$member-match/"), ("GET", "/fhir/metadata/"),
                                              ("POST", "/transfers/")])  # fmt: skip
def test_a_trailing_slash_is_a_404_operation_outcome_not_a_redirect(
    http: httpx.Client, token_a: str, method: str, path: str
) -> None:
    """A 307 sent the client elsewhere with its body, built from the Host header and the scheme uvicorn
    saw (http behind a proxy it does not trust): PHI could follow it in clear text."""
    headers = bearer(token_a) | {"Content-Type": FHIR, "Host": "elsewhere.example"}
    answer = http.request(method, path, content=b"{}", headers=headers)
    assert_outcome(answer, 404, "not-found")
    assert "location" not in answer.headers


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
