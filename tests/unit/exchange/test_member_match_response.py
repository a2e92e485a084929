"""What $member-match answers, per HRex version, and the reasons it gives when it cannot."""

from __future__ import annotations

import json
from pathlib import Path

from exchange.member_match.response import parameters, refusal
from exchange.member_match.result import MatchResult

HL7 = Path(__file__).resolve().parents[2] / "fixtures" / "hl7"


def test_hrex_1_0_0_answers_one_mb_typed_member_identifier_like_the_official_example() -> None:
    official = json.loads((HL7 / "hrex-1.0.0__parameters-member-match-out.json").read_text())
    ours = parameters("M-123", "https://payer.example/fhir/sid/member-key", "1.0.0")
    assert [p["name"] for p in ours["parameter"]] == [p["name"] for p in official["parameter"]]
    assert ours["parameter"][0]["valueIdentifier"]["type"] == official["parameter"][0]["valueIdentifier"]["type"]
    assert ours["parameter"][0]["valueIdentifier"]["value"] == "M-123"


def test_hrex_1_1_0_answers_a_umb_identifier_and_the_member_reference() -> None:
    ours = parameters("M-123", "https://payer.example/fhir/sid/member-key", "1.1.0")
    identifier, member_id = ours["parameter"]
    assert identifier["valueIdentifier"]["type"]["coding"] == [
        {"system": "http://hl7.org/fhir/us/davinci-hrex/CodeSystem/hrex-temp", "code": "UMB"}
    ]
    assert member_id == {"name": "MemberId", "valueReference": {"reference": "Patient/M-123"}}


def test_refusals_are_422_operation_outcomes_with_the_reason_code_and_decision() -> None:
    status, outcome = refusal(MatchResult("d-1", "multiple_matches", "several_members_above_auto_confirm"))
    issue = outcome["issue"][0]
    assert status == 422 and outcome["resourceType"] == "OperationOutcome"
    assert issue["code"] == "multiple-matches"
    assert issue["details"]["coding"][0]["code"] == "several_members_above_auto_confirm"
    assert "d-1" in issue["diagnostics"]
    consent = refusal(MatchResult("d-2", "consent_refused", "consent_period_ended", refusals=("consent_period_ended",
                                                                                            "consent_not_active")))  # fmt: skip
    assert [c["code"] for c in consent[1]["issue"][0]["details"]["coding"]] == [
        "consent_period_ended", "consent_not_active"
    ]  # fmt: skip
    assert refusal(MatchResult("d-3", "refused", "too_many_card_variants"))[0] == 429
