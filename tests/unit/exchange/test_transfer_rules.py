"""Business intent keys, the one-week request timer, partner refusals and the POST /transfers contract."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from pydantic import ValidationError

from exchange.domain.transfer import TransferState
from exchange.domain.transfer_outcomes import refusal
from exchange.domain.transfer_rules import Intent, request_due_by, request_late
from exchange.transfers.contract import TransferRequest

S = TransferState


def test_the_intent_key_ignores_nothing_that_makes_a_request_different() -> None:
    base = Intent("payer-a", "payer-b", "M-0123456789abcdef", "ENR-1")
    assert base.key == Intent("payer-a", "payer-b", "M-0123456789abcdef", "ENR-1").key
    others = [Intent("payer-c", "payer-b", "M-0123456789abcdef", "ENR-1"),
              Intent("payer-a", "payer-x", "M-0123456789abcdef", "ENR-1"),
              Intent("payer-a", "payer-b", "M-fedcba9876543210", "ENR-1"),
              Intent("payer-a", "payer-b", "M-0123456789abcdef", "ENR-2"),
              Intent("payer-a", "payer-b", "M-0123456789abcdef", "ENR-1", request_type="bulk")]  # fmt: skip
    assert len({base.key, *(o.key for o in others)}) == 6


def test_the_request_is_due_a_week_after_coverage_start_or_a_later_opt_in() -> None:
    assert request_due_by(date(2026, 3, 1), None) == date(2026, 3, 8)
    assert request_due_by(date(2026, 3, 1), date(2026, 2, 1)) == date(2026, 3, 8)
    assert request_due_by(date(2026, 3, 1), date(2026, 3, 20)) == date(2026, 3, 27)
    assert not request_late(date(2026, 3, 8), date(2026, 3, 8))
    assert request_late(date(2026, 3, 8), date(2026, 3, 9))


def test_a_start_in_the_calendars_last_week_is_due_on_its_last_day() -> None:
    assert request_due_by(date(9999, 12, 24), None) == date(9999, 12, 31)
    assert request_due_by(date(9999, 12, 25), None) == date.max
    assert request_due_by(date(2026, 3, 1), date(9999, 12, 31)) == date.max


@pytest.mark.parametrize(
    ("step", "status", "code", "reasons", "expected"),
    [
        ("member_match", 422, "not-found", ["no_candidates"], (S.REJECTED, "identity_no_match_at_partner")),
        ("member_match", 422, "multiple-matches", [], (S.REJECTED, "identity_multiple_matches_at_partner")),
        ("member_match", 422, "business-rule", ["member_identity_under_review"],
         (S.REJECTED, "identity_needs_review_at_partner")),
        ("member_match", 422, "business-rule", ["consent_period_ended"], (S.REJECTED, "consent_refused_by_partner")),
        ("member_match", 400, "invalid", [], (S.REJECTED, "request_invalid_at_partner")),
        ("member_match", 403, "forbidden", [], (S.DEAD_LETTERED, "partner_refused_access")),
        ("fetch_data", 404, "not-found", [], (S.REJECTED, "data_refused_by_partner")),
        ("acknowledge", 409, "conflict", [], (S.DEAD_LETTERED, "partner_answered_409")),
        ("fetch_data", 200, None, [], (S.DEAD_LETTERED, "partner_bad_response")),
    ],
)  # fmt: skip
def test_a_final_refusal_maps_to_a_business_outcome_never_a_retry(
    step: str, status: int, code: str | None, reasons: list[str], expected: tuple[S, str]
) -> None:
    assert refusal(step, status, code, reasons) == expected


def _request(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "member_key": "M-0123456789abcdef", "previous_payer": "payer-a",
        "previous_coverage": {"member_id": "A001", "start": "2023-01-01", "end": "2025-12-31"},
        "new_coverage": {"member_id": "B001", "start": "2026-01-01"},
        "consent": {"policy": "regular", "start": "2026-01-01", "end": "2030-12-31"},
        "source_request_id": "ENR-42",
    }  # fmt: skip
    body.update(changes)
    return body


def test_a_well_formed_request_is_accepted() -> None:
    request = TransferRequest.model_validate(_request())
    assert request.consent.policy == "regular" and request.new_coverage.start == date(2026, 1, 1)


@pytest.mark.parametrize(
    ("changes", "complaint"),
    [
        ({"member_key": "MATCH (n) DETACH DELETE n"}, "member_key"),
        ({"previous_payer": "Payer A'); DROP"}, "previous_payer"),
        ({"previous_coverage": {"group": "G1"}}, "member_id or subscriber_id"),
        ({"new_coverage": {"member_id": "B001", "start": "2026-02-30"}}, "start"),
        ({"consent": {"policy": "everything", "start": "2026-01-01", "end": "2030-01-01"}}, "policy"),
        ({"consent": {"policy": "regular", "start": "2026-01-01", "end": "2025-01-01"}}, "ends before it starts"),
        ({"source_request_id": ""}, "source_request_id"),
        ({"surprise": 1}, "surprise"),
    ],
)  # fmt: skip
def test_a_malformed_request_is_refused_naming_what_is_wrong(changes: dict[str, Any], complaint: str) -> None:
    with pytest.raises(ValidationError) as caught:
        TransferRequest.model_validate(_request(**changes))
    assert complaint in str(caught.value)


def test_a_generated_switch_becomes_a_valid_transfer_request_only_with_an_opt_in() -> None:
    from synthetic.switch_requests import transfer_request

    switch = {"switch_id": "SW-1", "old_payer_id": "payer-a", "old_member_id": "7000314187*01",
              "old_subscriber_id": "", "old_group_id": "GRP1", "old_plan_name": "Silver HMO",
              "old_coverage_start": date(2023, 4, 30), "old_coverage_end": date(2024, 8, 15),
              "new_member_id": "XB387629947-01", "new_coverage_start": date(2024, 8, 16), "consent_opt_in": True,
              "consent_policy": "sensitive", "consent_start": date(2024, 9, 28), "consent_end": date(2029, 9, 27)}  # fmt: skip
    body = transfer_request(switch, "M-0123456789abcdef")
    assert body is not None
    request = TransferRequest.model_validate(body)
    assert request.previous_coverage.member_id == "7000314187*01" and request.previous_coverage.subscriber_id is None
    assert request.consent.policy == "sensitive" and request.source_request_id == "SW-1"
    assert transfer_request({**switch, "consent_opt_in": False}, "M-0123456789abcdef") is None
