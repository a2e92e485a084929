"""Received bundles are checked in full before anything is written; released bundles are valid JSON."""

import json

import pytest

from exchange.member_data.audit import count_key
from exchange.member_data.bundle import refusal_bytes, searchset_bytes
from exchange.member_data.received import ReceivedDataError, ndjson_by_type, resources_of
from exchange.member_data.store import StoredResource


def bundle(*resources: dict[str, object]) -> dict[str, object]:
    return {"resourceType": "Bundle", "type": "searchset", "entry": [{"resource": r} for r in resources]}


def test_a_bundle_gives_its_resources_in_order() -> None:
    got = resources_of(bundle({"resourceType": "Patient", "id": "p"}, {"resourceType": "Condition", "id": "c"}))
    assert [(r["resourceType"], r["id"]) for r in got] == [("Patient", "p"), ("Condition", "c")]


def test_a_list_of_resources_is_accepted_too() -> None:
    assert resources_of([{"resourceType": "Encounter", "id": "e"}]) == [{"resourceType": "Encounter", "id": "e"}]


@pytest.mark.parametrize(
    ("payload", "where"),
    [
        ({"resourceType": "Patient", "id": "p"}, "Bundle.resourceType"),
        (bundle({"id": "no-type"}), "Bundle.entry.0.resource.resourceType"),
        ({"resourceType": "Bundle", "entry": [{"fullUrl": "x"}]}, "Bundle.entry.0.resource"),
        (bundle({"resourceType": "not a type"}), "Bundle.entry.0.resource.resourceType"),
        ([{"resourceType": "Patient"}, {"id": "x"}], "resources.1.resourceType"),
        ("Bundle", "Bundle"),
        ({"resourceType": "Bundle", "entry": "nope"}, "Bundle.entry"),
    ],
)
def test_anything_else_is_refused_naming_where(payload: object, where: str) -> None:
    with pytest.raises(ReceivedDataError) as caught:
        resources_of(payload)
    assert where in [i.expression for i in caught.value.issues]


def test_ndjson_has_one_document_per_type_one_resource_a_line() -> None:
    docs = ndjson_by_type([{"resourceType": "Condition", "id": "1"}, {"resourceType": "Patient", "id": "p"},
                           {"resourceType": "Condition", "id": "2"}])  # fmt: skip
    assert sorted(docs) == ["Condition", "Patient"]
    lines = docs["Condition"].decode().splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["1", "2"]
    assert docs == ndjson_by_type([{"resourceType": "Condition", "id": "1"}, {"resourceType": "Patient", "id": "p"},
                                   {"resourceType": "Condition", "id": "2"}]), "same data, same bytes"  # fmt: skip


def test_the_searchset_is_valid_json_with_each_resource_as_stored() -> None:
    stored = [StoredResource("Condition", "c1", False, "", '{"resourceType":"Condition","id":"c1"}'),
              StoredResource("Patient", "p1", False, "", '{"resourceType":"Patient","id":"p1"}')]  # fmt: skip
    body = json.loads(searchset_bytes("https://x/fhir/", stored, {"self": "https://x/fhir/Patient/m/$everything"}))
    assert body["resourceType"] == "Bundle" and body["type"] == "searchset"
    assert [e["fullUrl"] for e in body["entry"]] == ["https://x/fhir/Condition/c1", "https://x/fhir/Patient/p1"]
    assert body["entry"][1]["resource"] == {"resourceType": "Patient", "id": "p1"}
    assert body["link"] == [{"relation": "self", "url": "https://x/fhir/Patient/m/$everything"}]
    assert json.loads(searchset_bytes("https://x/fhir", [], {"self": "s"}))["entry"] == []


def test_a_refusal_carries_its_reason_code() -> None:
    body = json.loads(refusal_bytes("consent_period_ended", "no"))
    assert body["issue"][0]["details"]["coding"][0]["code"] == "consent_period_ended"


def test_count_keys_are_snake_case() -> None:
    assert count_key("ExplanationOfBenefit") == "resources_explanation_of_benefit"
    assert count_key("Patient") == "resources_patient"
