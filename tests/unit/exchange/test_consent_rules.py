"""HRex consent rules: what makes a consent honourable for a requester."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from exchange.domain.consent import REGULAR, SENSITIVE, ConsentRefusal, ConsentTerms, evaluate

US = ("http://hl7.org/fhir/sid/us-npi", "1111111111")
THEM = ("http://hl7.org/fhir/sid/us-npi", "2222222222")
TODAY = date(2026, 11, 28)
GOOD = ConsentTerms("active", "permit", [SENSITIVE], date(2026, 1, 1), date(2027, 1, 1), [US], [THEM], ["disclose"])


def check(terms: ConsentTerms | None, can_filter: bool = True) -> tuple[bool, list[str]]:
    verdict = evaluate(terms, TODAY, [US], [THEM], can_filter)
    return verdict.honoured, [r.value for r in verdict.refusals]


def test_a_complete_consent_naming_us_and_the_requester_is_honoured_with_its_policy() -> None:
    verdict = evaluate(GOOD, TODAY, [US], [THEM], True)
    assert verdict.honoured and verdict.policy == "sensitive"


@pytest.mark.parametrize(
    ("change", "refusal"),
    [
        ({"status": "draft"}, ConsentRefusal.NOT_ACTIVE),
        ({"provision_type": "deny"}, ConsentRefusal.NOT_PERMIT),
        ({"policy_uris": ["http://example.org/other"]}, ConsentRefusal.UNKNOWN_POLICY),
        ({"period_start": date(2026, 12, 1)}, ConsentRefusal.NOT_YET_VALID),
        ({"period_end": date(2026, 11, 27)}, ConsentRefusal.EXPIRED),
        ({"period_end": None}, ConsentRefusal.NO_PERIOD),
        ({"sources": [THEM]}, ConsentRefusal.WE_ARE_NOT_SOURCE),
        ({"recipients": [US]}, ConsentRefusal.REQUESTER_NOT_RECIPIENT),
        ({"actions": ["access"]}, ConsentRefusal.NOT_DISCLOSE),
    ],
)
def test_each_broken_rule_refuses_with_its_reason(change: dict[str, object], refusal: ConsentRefusal) -> None:
    honoured, refusals = check(replace(GOOD, **change))  # type: ignore[arg-type]
    assert not honoured and refusals == [refusal.value]


def test_the_period_includes_its_first_and_last_day() -> None:
    assert check(replace(GOOD, period_start=TODAY))[0] and check(replace(GOOD, period_end=TODAY))[0]


def test_regular_consent_needs_us_to_be_able_to_withhold_sensitive_data() -> None:
    regular = replace(GOOD, policy_uris=[REGULAR])
    assert check(regular, can_filter=True) == (True, [])
    assert check(regular, can_filter=False) == (False, [ConsentRefusal.CANNOT_SEGMENT.value])


def test_no_consent_is_refused_and_every_failing_rule_is_listed() -> None:
    assert check(None) == (False, [ConsentRefusal.MISSING.value])
    _, refusals = check(replace(GOOD, status="inactive", recipients=[]))
    assert refusals == [ConsentRefusal.NOT_ACTIVE.value, ConsentRefusal.REQUESTER_NOT_RECIPIENT.value]
