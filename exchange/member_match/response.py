"""What ``$member-match`` answers: the member identifier in the shape the configured HRex
version expects, or the reason it cannot name one (for an OperationOutcome)."""

from __future__ import annotations

import json
from typing import Any

from exchange.member_match.request import V2_0203
from exchange.member_match.result import MatchResult

HREX_TEMP = "http://hl7.org/fhir/us/davinci-hrex/CodeSystem/hrex-temp"
REASON_SYSTEM = "urn:payer-exchange:reason"

# (HTTP status, OperationOutcome issue code, what a client reads)
REFUSALS: dict[str, tuple[int, str, str]] = {
    "no_match": (422, "not-found", "no member matches the demographics and coverage given"),
    "multiple_matches": (422, "multiple-matches", "more than one member matches; refine the demographics or coverage"),
    "needs_review": (422, "business-rule", "the match needs review by a data steward before it can be answered"),
    "consent_refused": (422, "business-rule", "a member matched but the consent given cannot be honoured"),
    "refused": (429, "throttled", "too many attempts with different card data for the same person; retry later"),
}


def member_identifier(member_key: str, system: str, version: str) -> dict[str, Any]:
    code = (V2_0203, "MB") if version == "1.0.0" else (HREX_TEMP, "UMB")
    return {"type": {"coding": [{"system": code[0], "code": code[1]}]}, "system": system, "value": member_key}


def parameters(member_key: str, system: str, version: str) -> dict[str, Any]:
    """HRex 1.0.0 allows exactly one parameter (MemberIdentifier typed MB); 1.1.0+ types it
    UMB and adds MemberId, a reference to the Patient that ``GET Patient?identifier=`` returns."""
    out: list[dict[str, Any]] = [
        {"name": "MemberIdentifier", "valueIdentifier": member_identifier(member_key, system, version)}
    ]
    if version != "1.0.0":
        out.append({"name": "MemberId", "valueReference": {"reference": f"Patient/{member_key}"}})
    return {"resourceType": "Parameters", "parameter": out}


def refusal(result: MatchResult) -> tuple[int, dict[str, Any]]:
    status, code, text = REFUSALS[result.outcome]
    reasons = [result.reason, *[r for r in result.refusals if r != result.reason]]
    issue = {
        "severity": "error",
        "code": code,
        "details": {"coding": [{"system": REASON_SYSTEM, "code": r} for r in reasons], "text": text},
        "diagnostics": f"{text} (reason {result.reason}; decision {result.decision_id})",
    }
    return status, {"resourceType": "OperationOutcome", "issue": [issue]}


def render(result: MatchResult, system: str, version: str) -> tuple[int, bytes]:
    """The HTTP status and the exact bytes of the answer (hashed into the audit event)."""
    if result.member_key is not None:
        status, body = 200, parameters(result.member_key, system, version)
    else:
        status, body = refusal(result)
    return status, json.dumps(body, separators=(",", ":")).encode()
