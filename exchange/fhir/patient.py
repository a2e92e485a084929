"""The Patient a partner reads back after a match: our member, by the identifier we returned."""

from __future__ import annotations

from typing import Any

from exchange.member_match.response import member_identifier

GENDERS = {"M": "male", "F": "female", "U": "unknown"}  # canonical sex code -> FHIR gender


def patient(member_key: str, record: dict[str, Any], system: str, version: str) -> dict[str, Any]:
    name: dict[str, Any] = {"use": "official"}
    if record.get("last_name"):
        name["family"] = record["last_name"]
    given = [g for g in (record.get("first_name"), record.get("middle_name")) if g]
    if given:
        name["given"] = given
    if record.get("suffix"):
        name["suffix"] = [record["suffix"]]
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "id": member_key,
        "identifier": [member_identifier(member_key, system, version)],
        "active": True,
        "name": [name],
        "gender": GENDERS.get(record.get("sex") or "U", "unknown"),
    }
    if record.get("dob"):
        resource["birthDate"] = record["dob"]
    return resource


def searchset(base_url: str, resources: list[dict[str, Any]], self_url: str) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(resources),
        "link": [{"relation": "self", "url": self_url}],
        "entry": [
            {"fullUrl": f"{base_url.rstrip('/')}/Patient/{r['id']}", "resource": r, "search": {"mode": "match"}}
            for r in resources
        ],
    }
