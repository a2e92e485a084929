"""What $everything may release: types, look-back, consent on the day, sensitive data, cursor, timeliness."""

from datetime import date

import pytest

from exchange.domain import release_rules as rules
from exchange.domain.consent import ConsentRefusal

TODAY = date(2026, 11, 29)


def test_no_type_means_every_type_and_types_are_deduplicated() -> None:
    assert rules.requested_types(None) == ()
    assert rules.requested_types(" ") == ()
    assert rules.requested_types("Encounter, Condition,Encounter") == ("Condition", "Encounter")


def test_an_unknown_type_is_refused_by_name() -> None:
    with pytest.raises(rules.ReleaseInputError, match="unknown resource type Bogus") as caught:
        rules.requested_types("Condition,Bogus")
    assert caught.value.parameter == "_type"


def test_since_is_clamped_to_five_years_back() -> None:
    assert rules.clamped_since(None, TODAY) == date(2021, 11, 29)
    assert rules.clamped_since(date(2000, 1, 1), TODAY) == date(2021, 11, 29)
    assert rules.clamped_since(date(2024, 5, 1), TODAY) == date(2024, 5, 1)


def test_five_years_before_a_leap_day() -> None:
    assert rules.clamped_since(None, date(2028, 2, 29)) == date(2023, 2, 28)


def consent(
    policy: str | None = "regular", start: date | None = date(2026, 1, 1), end: date | None = date(2027, 1, 1)
) -> rules.RecordedConsent:
    return rules.RecordedConsent(policy, start, end)


@pytest.mark.parametrize(
    ("recorded", "refusal"),
    [
        (None, ConsentRefusal.MISSING),
        (consent(policy=None), ConsentRefusal.UNKNOWN_POLICY),
        (consent(end=None), ConsentRefusal.NO_PERIOD),
        (consent(start=date(2026, 12, 1)), ConsentRefusal.NOT_YET_VALID),
        (consent(end=date(2026, 11, 28)), ConsentRefusal.EXPIRED),
    ],
)
def test_a_consent_that_does_not_hold_today_refuses_the_release(
    recorded: rules.RecordedConsent | None, refusal: ConsentRefusal
) -> None:
    assert rules.consent_at_release(recorded, TODAY).refusal is refusal


def test_the_last_day_of_the_period_still_holds() -> None:
    assert rules.consent_at_release(consent(end=TODAY), TODAY).refusal is None


def test_only_a_sensitive_consent_releases_sensitive_data() -> None:
    assert rules.consent_at_release(consent("sensitive"), TODAY).include_sensitive
    assert not rules.consent_at_release(consent("regular"), TODAY).include_sensitive


@pytest.mark.parametrize(
    ("sensitive", "labels", "kept_back"),
    [(False, "", False), (False, None, False), (True, "", True), (False, "R,PSY,BH", True), (False, "R,ETH,SUD", True),
     (False, "N", False)],
)  # fmt: skip
def test_regular_consent_withholds_flagged_or_labelled_resources(
    sensitive: bool, labels: str | None, kept_back: bool
) -> None:
    assert rules.withheld(sensitive, labels, include_sensitive=False) is kept_back
    assert rules.withheld(sensitive, labels, include_sensitive=True) is False


def test_the_answer_is_due_one_business_day_after_the_match() -> None:
    friday = date(2026, 11, 20)
    assert rules.answered_in_time(friday, date(2026, 11, 23))
    assert not rules.answered_in_time(friday, date(2026, 11, 24))
    assert rules.answered_in_time(friday, friday)


def test_cursor_round_trip_and_garbage_refused() -> None:
    assert rules.parse_cursor(rules.format_cursor(("Condition", "A-1-cond2"))) == ("Condition", "A-1-cond2")
    assert rules.parse_cursor(None) is None
    for bad in ("Condition", "Bogus/1", "Condition/", "/x"):
        with pytest.raises(rules.ReleaseInputError):
            rules.parse_cursor(bad)
