"""US business days: weekends, federal holidays and their observed dates."""

from datetime import date

import pytest

from exchange.domain.business_days import add_business_days, federal_holidays, is_business_day


def test_a_friday_request_is_answered_by_monday() -> None:
    assert add_business_days(date(2026, 11, 20), 1) == date(2026, 11, 23)


def test_thanksgiving_and_a_weekend_are_skipped() -> None:
    assert add_business_days(date(2026, 11, 25), 1) == date(2026, 11, 27)  # Thursday the 26th is Thanksgiving
    assert add_business_days(date(2026, 11, 25), 2) == date(2026, 11, 30)


def test_a_saturday_holiday_is_observed_the_friday_before() -> None:
    assert date(2026, 7, 3) in federal_holidays(2026)  # July 4, 2026 is a Saturday
    assert add_business_days(date(2026, 7, 2), 1) == date(2026, 7, 6)


def test_a_sunday_holiday_is_observed_the_monday_after() -> None:
    assert date(2022, 12, 26) in federal_holidays(2022)  # Christmas 2022 is a Sunday
    assert add_business_days(date(2022, 12, 23), 1) == date(2022, 12, 27)


def test_new_year_on_a_saturday_is_observed_on_december_31_of_the_year_before() -> None:
    assert date(2021, 12, 31) in federal_holidays(2021)  # January 1, 2022 is a Saturday
    assert not is_business_day(date(2021, 12, 31))
    assert add_business_days(date(2021, 12, 30), 1) == date(2022, 1, 3)


@pytest.mark.parametrize(
    ("holiday", "name"),
    [
        (date(2026, 1, 19), "Martin Luther King Jr. Day"),
        (date(2026, 2, 16), "Washington's Birthday"),
        (date(2026, 5, 25), "Memorial Day"),
        (date(2026, 6, 19), "Juneteenth"),
        (date(2026, 9, 7), "Labor Day"),
        (date(2026, 10, 12), "Columbus Day"),
        (date(2026, 11, 11), "Veterans Day"),
        (date(2026, 11, 26), "Thanksgiving Day"),
        (date(2026, 12, 25), "Christmas Day"),
        (date(2026, 1, 1), "New Year's Day"),
    ],
)
def test_the_2026_federal_holidays_are_not_business_days(holiday: date, name: str) -> None:
    assert not is_business_day(holiday), name


def test_juneteenth_was_not_a_federal_holiday_before_2021() -> None:
    assert is_business_day(date(2020, 6, 19))


def test_eleven_holidays_a_year() -> None:
    assert len(federal_holidays(2026)) == 11
    assert len(federal_holidays(2019)) == 10


def test_zero_days_is_the_day_itself_and_negative_is_refused() -> None:
    assert add_business_days(date(2026, 11, 28), 0) == date(2026, 11, 28)
    with pytest.raises(ValueError, match="n must be"):
        add_business_days(date(2026, 11, 28), -1)


def test_five_business_days_span_a_week() -> None:
    assert add_business_days(date(2026, 3, 2), 5) == date(2026, 3, 9)
