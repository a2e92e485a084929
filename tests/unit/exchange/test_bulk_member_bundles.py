"""Parsing $bulk-member-match requests: each MemberBundle held to the single $member-match
rules, the PDex Consent 1..1, every problem of every bundle reported with where it is."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from exchange.bulk.member_bundles import parse_bulk
from exchange.fhir.errors import FhirInputError
from exchange.member_match.outbound import Card, Grant
from tests.support.bulk import member_bundle

EXAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "hl7"
OLD, NEW = ("http://hl7.org/fhir/sid/us-npi", "1000000011"), ("http://hl7.org/fhir/sid/us-npi", "1000000022")
GRANT = Grant(False, date(2026, 1, 1), date(2027, 1, 1), OLD, NEW)


def bundle(patient_id: str, first: str = "Ada", grant: Grant | None = GRANT) -> dict[str, Any]:
    demographics: dict[str, str | None] = {"first_name": first, "last_name": "Quill", "dob": "1961-02-03",
                                           "sex": "F"}  # fmt: skip
    return member_bundle(patient_id, demographics, Card(OLD, member_id="A10001"), Card(NEW, member_id="B1"), grant)


def body(*bundles: dict[str, Any]) -> dict[str, Any]:
    return {"resourceType": "Parameters", "parameter": list(bundles)}


def problems(request: Any, **kwargs: Any) -> list[str]:
    with pytest.raises(FhirInputError) as caught:
        parse_bulk(request, "1.1.0", **kwargs)
    return [f"{i.expression}: {i.message}" for i in caught.value.issues]


def test_each_bundle_becomes_the_request_the_single_member_match_would_parse() -> None:
    parsed = parse_bulk(body(bundle("m-1"), bundle("m-2", first="Bert")), "1.1.0")
    assert [(b.index, b.request.patient_id, b.request.demographics["first_name"]) for b in parsed] == [
        (0, "m-1", "Ada"), (1, "m-2", "Bert")]  # fmt: skip
    assert parsed[0].patient["id"] == "m-1" and parsed[0].request.consent is not None
    assert parsed[0].request.coverage_to_match.member_ids == ("A10001",)
    assert parsed[0].sha256 != parsed[1].sha256 and len(parsed[0].sha256) == 64


def test_the_official_pdex_example_is_refused_for_its_non_local_references() -> None:
    example = json.loads((EXAMPLES / "pdex-2.2.0-ci__Parameters-payer-multi-member-match-in.json").read_text())
    found = problems(example)
    assert found and all(p.startswith("Parameters.parameter[0].part[") for p in found)
    assert any("CoverageToMatch" in p and "mm-6" in p for p in found)


def test_a_bundle_without_consent_is_refused_because_pdex_makes_it_required() -> None:
    assert problems(body(bundle("m-1"), bundle("m-2", grant=None))) == [
        "Parameters.parameter[1].part: a MemberBundle needs its Consent (PDex: 1..1)"]  # fmt: skip


def test_every_broken_bundle_is_reported_with_its_position() -> None:
    broken = bundle("m-2")
    patient = broken["part"][0]["resource"]
    del patient["birthDate"]
    found = problems(body(bundle("m-1"), broken, {"name": "Other", "valueString": "x"}))
    assert "Parameters.parameter[1].part[MemberPatient].resource.birthDate: birthDate is required" in found
    assert "Parameters.parameter[2].name: only MemberBundle parameters are allowed" in found


def test_members_must_have_distinct_patient_ids_and_the_request_a_size_limit() -> None:
    assert "repeated: m-1" in problems(body(bundle("m-1"), copy.deepcopy(bundle("m-1"))))[0]
    assert "at most 1 MemberBundles" in problems(body(bundle("m-1"), bundle("m-2")), max_members=1)[0]


@pytest.mark.parametrize("request_body", [None, [], {"resourceType": "Bundle"}, {"resourceType": "Parameters"},
                                          {"resourceType": "Parameters", "parameter": [{"name": "MemberBundle"}]}])  # fmt: skip
def test_malformed_requests_are_refused_not_crashed_on(request_body: Any) -> None:
    assert problems(request_body)
