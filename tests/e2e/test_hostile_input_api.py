"""Hostile but plausible input over real HTTP, on the FHIR routes, the audit search and the stewards'
actions: a clear 4xx OperationOutcome, never a 500, and nothing written for a refused request (no
job, decision, acknowledgment or audit event claiming success, no idempotency record in flight).
See test_hostile_transfers_api.py for /transfers."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from api.app import create_app
from graph.store import GraphStore
from p2p.settings import Settings
from tests.support.checks import FHIR_JSON as FHIR
from tests.support.checks import assert_outcome, labels
from tests.support.partners import bearer
from tests.support.servers import serving

pytestmark = pytest.mark.integration

ASYNC = {"Prefer": "respond-async"}
MEMBER = "M-00000000000000aa"
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


@pytest.mark.parametrize(
    ("params", "headers"),
    [({"_format": "xml"}, {}), ({}, {"Accept": "application/fhir+xml"}), ({"_format": "ttl"}, {"Accept": "*/*"})],
)
def test_asking_for_xml_or_turtle_is_a_406_and_json_or_anything_is_answered(
    http: httpx.Client, params: dict[str, str], headers: dict[str, str]
) -> None:
    assert_outcome(http.get("/fhir/metadata", params=params, headers=headers), 406, "not-supported")
    hapi_style = {"Accept": "application/fhir+xml;q=1.0, application/fhir+json;q=1.0"}
    assert http.get("/fhir/metadata", headers=hapi_style).json()["resourceType"] == "CapabilityStatement"
    assert http.get("/fhir/metadata", params={"_format": "json"}).status_code == 200


def test_an_unexpected_error_is_a_500_operation_outcome_that_names_no_cause(settings: Settings) -> None:
    """Whatever bug is left answers as every error does (a FHIR OperationOutcome), not in plain text."""
    app = create_app(settings)

    def broken() -> None:
        raise RuntimeError("Patient Smithson, born 1970-01-01")  # an exception's text may quote input

    app.add_api_route("/test/broken", broken)
    with serving(app) as url, httpx.Client(base_url=url, timeout=30) as client:
        body = assert_outcome(client.get("/test/broken"), 500, "exception")
    assert "Smithson" not in str(body)
