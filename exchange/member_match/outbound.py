"""The ``$member-match`` request we send as the new payer: the member's demographics, the
card of their previous coverage, our own coverage to link, and their consent. Shaped to
pass the checks we apply to others (local references, MB-typed member id, HRex consent)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from exchange.domain.consent import REGULAR, SENSITIVE, OrgId
from exchange.fhir.patient import GENDERS
from exchange.member_match.request import CONSENT_ACTION, PERFORMER_ROLE, RECIPIENT_ROLE, V2_0203

PATIENT_ID = "1"


@dataclass(frozen=True)
class Card:
    payer: OrgId
    member_id: str | None = None
    subscriber_id: str | None = None
    group: str | None = None
    plan: str | None = None
    start: date | None = None
    end: date | None = None
    identifier_system: str = "urn:payer-exchange:member-id"


@dataclass(frozen=True)
class Grant:
    sensitive: bool
    start: date
    end: date
    source: OrgId
    recipient: OrgId


def _org(org: OrgId) -> dict[str, Any]:
    return {"identifier": {"system": org[0], "value": org[1]}}


def _patient(d: dict[str, str | None]) -> dict[str, Any]:
    patient: dict[str, Any] = {"resourceType": "Patient", "id": PATIENT_ID, "birthDate": d.get("dob")}
    given = [g for g in (d.get("first_name"), d.get("middle_name")) if g]
    patient["name"] = [{"use": "official", "family": d.get("last_name"), "given": given}]
    patient["gender"] = GENDERS.get(d.get("sex") or "U", "unknown")
    line = [x for x in (d.get("address_line1"), d.get("address_line2")) if x]
    if line or d.get("zip"):
        address = {"use": "home", "line": line, "city": d.get("city"), "state": d.get("state")}
        patient["address"] = [{k: v for k, v in {**address, "postalCode": d.get("zip")}.items() if v}]
    telecom = [{"system": s, "value": d[s]} for s in ("phone", "email") if d.get(s)]
    if telecom:
        patient["telecom"] = telecom
    return patient


def _coverage(resource_id: str, card: Card, status: str) -> dict[str, Any]:
    coverage: dict[str, Any] = {"resourceType": "Coverage", "id": resource_id, "status": status}
    if card.member_id:
        mb = {"coding": [{"system": V2_0203, "code": "MB"}]}
        coverage["identifier"] = [{"type": mb, "system": card.identifier_system, "value": card.member_id}]
    if card.subscriber_id:
        coverage["subscriberId"] = card.subscriber_id
    coverage["beneficiary"] = {"reference": f"Patient/{PATIENT_ID}"}
    if card.start:
        coverage["period"] = {"start": card.start.isoformat(), **({"end": card.end.isoformat()} if card.end else {})}
    coverage["payor"] = [_org(card.payer)]
    classes = [("group", card.group), ("plan", card.plan)]
    coverage_class = "http://terminology.hl7.org/CodeSystem/coverage-class"
    listed = [{"type": {"coding": [{"system": coverage_class, "code": c}]}, "value": v} for c, v in classes if v]
    if listed:
        coverage["class"] = listed
    return coverage


def _consent(grant: Grant) -> dict[str, Any]:
    def role(code: tuple[str, str]) -> dict[str, Any]:  # a CodeableConcept of one coding
        return {"coding": [{"system": code[0], "code": code[1]}]}

    return {
        "resourceType": "Consent",
        "id": "consent",
        "status": "active",
        "scope": {
            "coding": [{"system": "http://terminology.hl7.org/CodeSystem/consentscope", "code": "patient-privacy"}]
        },
        "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "IDSCL"}]}],
        "patient": {"reference": f"Patient/{PATIENT_ID}"},
        "performer": [{"reference": f"Patient/{PATIENT_ID}"}],
        "policy": [{"uri": SENSITIVE if grant.sensitive else REGULAR}],
        "provision": {
            "type": "permit",
            "period": {"start": grant.start.isoformat(), "end": grant.end.isoformat()},
            "actor": [
                {"role": role(PERFORMER_ROLE), "reference": _org(grant.source)},
                {"role": role(RECIPIENT_ROLE), "reference": _org(grant.recipient)},
            ],
            "action": [{"coding": [{"system": CONSENT_ACTION, "code": "disclose"}]}],
        },
    }


def member_match_parameters(
    demographics: dict[str, str | None], previous: Card, ours: Card, grant: Grant | None
) -> dict[str, Any]:
    parameter = [
        {"name": "MemberPatient", "resource": _patient(demographics)},
        {"name": "CoverageToMatch", "resource": _coverage("coverage-to-match", previous, "draft")},
        {"name": "CoverageToLink", "resource": _coverage("coverage-to-link", ours, "active")},
    ]
    if grant is not None:
        parameter.append({"name": "Consent", "resource": _consent(grant)})
    return {"resourceType": "Parameters", "parameter": parameter}
