"""Shaping the $bulk-member-match answer: the three Groups of PDex (checklist items 17, 18)."""

from __future__ import annotations

from exchange.bulk.groups import (
    MATCH_PARAMETERS_EXT,
    RESULT_CS,
    Category,
    GroupContext,
    MemberOutcome,
    category_of,
    result_parameters,
)

CTX = GroupContext("job-1-match", (("http://hl7.org/fhir/sid/us-npi", "22"),), "payer-b",
                   (("http://hl7.org/fhir/sid/us-npi", "11"),), "Payer A", "2026-11-29")  # fmt: skip


def outcome(index: int, category: Category, member_key: str | None = None) -> MemberOutcome:
    return MemberOutcome(index, {"resourceType": "Patient", "id": f"p{index}"}, category, member_key)


def test_single_member_match_outcomes_map_to_the_three_result_codes() -> None:
    assert category_of("unique_match", "M-1") is Category.MATCH
    assert category_of("consent_refused", None) is Category.CONSENT
    for refused in ("no_match", "multiple_matches", "needs_review", "refused"):
        assert category_of(refused, None) is Category.NO_MATCH
    assert category_of("unique_match", None) is Category.NO_MATCH  # never a match without a member to name


def test_the_matched_group_names_our_members_and_points_to_the_submitted_patients() -> None:
    result = result_parameters([outcome(1, Category.MATCH, "M-9"), outcome(0, Category.MATCH, "M-7"),
                                outcome(2, Category.NO_MATCH), outcome(3, Category.CONSENT)], CTX)  # fmt: skip
    names = [p["name"] for p in result["parameter"]]
    assert names == ["MatchedMembers", "NonMatchedMembers", "ConsentConstrainedMembers"]
    matched = result["parameter"][0]["resource"]
    assert matched["id"] == "job-1-match" and matched["quantity"] == 2
    assert matched["code"]["coding"] == [{"system": RESULT_CS, "code": "match", "display": "Matched"}]
    assert matched["characteristic"] == [{
        "code": matched["code"], "exclude": False, "period": {"start": "2026-11-29"},
        "valueReference": {"display": "payer-b", "identifier": {"system": "http://hl7.org/fhir/sid/us-npi", "value": "22"}},
    }]  # fmt: skip
    assert [m["entity"]["reference"] for m in matched["member"]] == ["Patient/M-7", "Patient/M-9"]  # request order
    assert matched["member"][0]["entity"]["extension"] == [{"url": MATCH_PARAMETERS_EXT,
                                                            "valueReference": {"reference": "#p0"}}]  # fmt: skip
    assert [p["id"] for p in matched["contained"]] == ["p0", "p1"]
    no_match = result["parameter"][1]["resource"]
    assert "id" not in no_match and "characteristic" not in no_match
    assert no_match["member"][0]["entity"]["reference"] == "#p2" and no_match["code"]["coding"][0]["code"] == "nomatch"
    assert result["parameter"][2]["resource"]["code"]["coding"][0]["code"] == "consentconstraint"


def test_matched_members_is_always_present_the_others_only_when_they_have_members() -> None:
    result = result_parameters([outcome(0, Category.NO_MATCH)], CTX)
    assert [p["name"] for p in result["parameter"]] == ["MatchedMembers", "NonMatchedMembers"]
    assert result["parameter"][0]["resource"]["member"] == [] and result["parameter"][0]["resource"]["quantity"] == 0
