"""Parsing $member-match requests: the official HL7 examples, each HRex rule, and malformed
input (every problem reported with where it is)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from exchange.fhir.errors import FhirInputError
from exchange.member_match.request import parse

EXAMPLES = Path(__file__).resolve().parents[2] / "fixtures" / "hl7"  # byte-for-byte copies, see SOURCES.md there
FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "fhir"


def example(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / name).read_text())
    return data


def fixture(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIXTURES / name).read_text())
    return data


def refused(body: Any, version: str = "1.1.0", payer: bool = True) -> list[str]:
    with pytest.raises(FhirInputError) as caught:
        parse(body, version, payer)  # type: ignore[arg-type]
    return [f"{i.expression}: {i.message}" for i in caught.value.issues]


def param(body: dict[str, Any], name: str) -> dict[str, Any]:
    resource: dict[str, Any] = next(p["resource"] for p in body["parameter"] if p["name"] == name)
    return resource


def test_the_hrex_1_0_0_payer_example_is_valid_under_1_0_0() -> None:
    request = parse(example("hrex-1.0.0__parameters-member-match-in.json"), "1.0.0")
    assert request.demographics["last_name"] == "Person" and request.demographics["dob"] == "1974-12-25"
    assert request.coverage_to_match.member_ids == ("55678", "DH10001235")  # Patient MB id, then the card's
    assert request.coverage_to_link is not None and request.consent is not None
    assert request.consent.recipients == (("http://hl7.org/fhir/sid/us-npi", "0123456789"),)


def test_the_hrex_1_0_0_payer_example_breaks_us_core_15_under_1_1_0() -> None:
    """SOURCES.md: its CoverageToMatch has no MB-typed identifier and no subscriberId."""
    problems = refused(example("hrex-1.0.0__parameters-member-match-in.json"), "1.1.0")
    assert problems == [
        "Parameters.parameter[CoverageToMatch].resource: a member id (identifier typed v2-0203#MB) or"
        " subscriberId is required (us-core-15)"
    ]


def test_the_provider_example_lacks_coverage_to_link_which_payers_must_send() -> None:
    body = example("hrex-1.0.0__parameters-member-match-in-provider.json")
    assert "CoverageToLink is required" in " ".join(refused(body, "1.0.0"))
    assert parse(body, "1.0.0", requester_is_payer=False).coverage_to_link is None


def test_the_hrex_1_1_0_example_breaks_local_references_mm6() -> None:
    """SOURCES.md: CoverageToLink.beneficiary and Consent.patient are absolute URLs."""
    problems = refused(fixture("hrex-1.1.0__member-match-in.json"))
    assert problems == [
        "Parameters.parameter[CoverageToLink].resource.beneficiary: must be the local reference 'Patient/1'"
        " (mm-6), got 'https://example.org/Patient/example'",
        "Parameters.parameter[Consent].resource.patient: must be the local reference 'Patient/1' (mm-6),"
        " got 'http://example.org/Patient/example'",
    ]


def test_the_hrex_1_1_0_example_with_local_references_is_valid() -> None:
    body = fixture("hrex-1.1.0__member-match-in.json")
    param(body, "CoverageToLink")["beneficiary"]["reference"] = "Patient/1"
    param(body, "Consent")["patient"]["reference"] = "Patient/1"
    request = parse(body, "1.1.0")
    assert request.coverage_to_match.member_ids == ("DH10001235",)
    assert request.coverage_to_match.group == "CB135" and request.coverage_to_match.plan == "B37FC"


def valid() -> dict[str, Any]:
    return copy.deepcopy(example("hrex-1.0.0__parameters-member-match-in.json"))


@pytest.mark.parametrize(
    ("break_it", "expected"),
    [
        (lambda b: b.update(resourceType="Patient"), "the body must be a FHIR Parameters resource"),
        (lambda b: b["parameter"].append({"name": "Extra", "resource": {}}), "unknown parameter 'Extra'"),
        (lambda b: b["parameter"].append(copy.deepcopy(b["parameter"][0])), "MemberPatient may appear only once"),
        (lambda b: b["parameter"].pop(0), "MemberPatient is required"),
        (lambda b: b["parameter"][1].update(resource={"resourceType": "Patient"}), "must carry a Coverage resource"),
        (lambda b: param(b, "MemberPatient").update(birthDate="1974-13-45"), "birthDate"),
        (lambda b: param(b, "MemberPatient").update(birthDate="1974-02-30"), "day is out of range"),
        (lambda b: param(b, "MemberPatient").update(birthDate="1974-12"), "birthDate must be a full date"),
        (lambda b: param(b, "MemberPatient").pop("birthDate"), "birthDate is required"),
        (lambda b: param(b, "MemberPatient").update(name=[{"family": "Person"}]), "a name with family and"),
        (lambda b: param(b, "MemberPatient").pop("gender"), "gender or the us-core-birthsex extension"),
        (lambda b: param(b, "MemberPatient").update(gender="f"), "gender"),
        (lambda b: param(b, "MemberPatient").pop("id"), "MemberPatient needs an id"),
        (lambda b: param(b, "CoverageToMatch").pop("payor"), "payor is required"),
        (lambda b: param(b, "CoverageToMatch").update(beneficiary={"reference": "Patient/2"}), "local reference"),
        (lambda b: param(b, "CoverageToMatch").update(period={"start": "yesterday"}), "period.start"),
        (lambda b: param(b, "Consent").update(patient={"reference": "Patient/99"}), "Consent].resource.patient"),
        (lambda b: param(b, "MemberPatient").update(name="Patricia"), "Input should be a valid list"),
        (
            lambda b: param(b, "CoverageToLink")["identifier"][0].update(value="7" * 1001),
            "CoverageToLink].resource.identifier[0].value: String should have at most 1000 characters",
        ),
        (
            lambda b: param(b, "CoverageToLink")["identifier"][0].update(system="urn:" + "s" * 997),
            "CoverageToLink].resource.identifier[0].system: String should have at most 1000 characters",
        ),
    ],
)
def test_each_malformed_request_is_refused_saying_what_and_where(break_it: Any, expected: str) -> None:
    body = valid()
    break_it(body)
    assert any(expected in p for p in refused(body, "1.0.0")), refused(body, "1.0.0")


@pytest.mark.parametrize("body", [None, [], "Parameters", 42, {"resourceType": "Parameters", "parameter": "x"}])
def test_bodies_that_are_not_parameters_objects_are_refused(body: Any) -> None:
    assert refused(body)


def test_injection_strings_are_just_values() -> None:
    body = valid()
    param(body, "MemberPatient")["name"][0]["family"] = "x'}) MATCH (n) DETACH DELETE n //"
    assert parse(body, "1.0.0").demographics["last_name"] == "x'}) MATCH (n) DETACH DELETE n //"
