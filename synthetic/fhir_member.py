"""What a payer's FHIR server knows of a member: the Patient (from the payer's own record,
typos included) and the Coverage (member id, subscriber, relationship, period, group, plan)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any, Final, NamedTuple

_V2_0203: Final = "http://terminology.hl7.org/CodeSystem/v2-0203"
_GENDER: Final = {"M": "male", "F": "female", "U": "unknown"}
_RELATIONSHIP: Final = "http://terminology.hl7.org/CodeSystem/subscriber-relationship"
PAYER_NAMES: Final = (
    "Acme Health Plan",
    "Blue Heron Health",
    "Cardinal Care",
    "Delta Valley Health",
    "Evergreen Mutual",
)


def payer_name(index: int) -> str:
    return PAYER_NAMES[index] if index < len(PAYER_NAMES) else f"Payer {chr(ord('A') + index)} Health Plan"


class MemberView(NamedTuple):
    """One membership with the demographics of its primary record: the input of a history."""

    key: int  # membership index: seeds this member's history
    payer_id: str
    payer_name: str
    member_id: str
    subscriber_id: str
    relationship: str
    record_id: str  # also the Patient id
    person_id: str
    subscriber_record: str  # Patient id of the subscriber at this payer
    first: str
    middle: str
    last: str
    suffix: str
    dob: str
    sex: str
    line1: str
    line2: str
    city: str
    state: str
    zip: str
    phone: str
    email: str
    true_dob: int  # date ordinals
    start: int
    end: int  # 0 while open
    group_id: str
    plan: str


def _iso(ordinal: int) -> str:
    return date.fromordinal(ordinal).isoformat() if ordinal else ""


def _member_identifier(v: MemberView) -> dict[str, Any]:
    return {
        "type": {"coding": [{"system": _V2_0203, "code": "MB", "display": "Member Number"}]},
        "system": f"https://{v.payer_id}.example.org/member-id",
        "value": v.member_id,
    }


def _name(v: MemberView) -> dict[str, Any]:
    name: dict[str, Any] = {"use": "official"}
    if v.last:
        name["family"] = v.last
    given = [g for g in (v.first, v.middle) if g]
    if given:
        name["given"] = given
    if v.suffix:
        name["suffix"] = [v.suffix]
    return name


def _address(v: MemberView) -> dict[str, Any]:
    address: dict[str, Any] = {"use": "home"}
    lines = [line for line in (v.line1, v.line2) if line]
    if lines:
        address["line"] = lines
    for key, value in (("city", v.city), ("state", v.state), ("postalCode", v.zip)):
        if value:
            address[key] = value
    return address


def patient(v: MemberView, meta: dict[str, Any]) -> str:
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "id": v.record_id,
        "meta": meta,
        "identifier": [_member_identifier(v)],
        "active": v.end == 0,
        "name": [_name(v)],
    }
    telecom = [{"system": "phone", "value": v.phone, "use": "home"}] if v.phone else []
    telecom += [{"system": "email", "value": v.email}] if v.email else []
    if telecom:
        resource["telecom"] = telecom
    resource["gender"] = _GENDER.get(v.sex, "unknown")
    if v.dob:
        resource["birthDate"] = v.dob
    resource["address"] = [_address(v)]
    return json.dumps(resource, separators=(",", ":"))


def _coverage_class(kind: str, value: str, name: str) -> dict[str, Any]:
    system = "http://terminology.hl7.org/CodeSystem/coverage-class"
    return {"type": {"coding": [{"system": system, "code": kind}]}, "value": value, "name": name}


def coverage(v: MemberView, meta: dict[str, Any]) -> str:
    resource: dict[str, Any] = {
        "resourceType": "Coverage",
        "id": f"{v.record_id}-cov",
        "meta": meta,
        "identifier": [_member_identifier(v)],
        "status": "active",
        "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "HIP"}]},
    }
    if v.subscriber_record:
        resource["subscriber"] = {"reference": f"Patient/{v.subscriber_record}"}
    resource["subscriberId"] = v.subscriber_id
    resource["beneficiary"] = {"reference": f"Patient/{v.record_id}"}
    resource["relationship"] = {"coding": [{"system": _RELATIONSHIP, "code": v.relationship}]}
    resource["period"] = {"start": _iso(v.start), "end": _iso(v.end)} if v.end else {"start": _iso(v.start)}
    resource["payor"] = [{"reference": f"Organization/{v.payer_id}", "display": v.payer_name}]
    plan_code = v.plan.upper().replace(" ", "-")
    resource["class"] = [
        _coverage_class("group", v.group_id, "Employer group"),
        _coverage_class("plan", plan_code, v.plan),
    ]
    return json.dumps(resource, separators=(",", ":"))
