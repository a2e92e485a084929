"""Search dates and the single audit clock."""

from datetime import UTC, datetime

import pytest

from audit import clock
from audit.errors import SearchError
from audit.search import Criteria, parse_when


def test_a_plain_until_date_includes_that_whole_day() -> None:
    assert parse_when("2026-01-31") == datetime(2026, 1, 31, tzinfo=UTC)
    assert parse_when("2026-01-31", end_of_day=True) == datetime(2026, 2, 1, tzinfo=UTC)


def test_date_times_are_utc_unless_they_say_otherwise() -> None:
    assert parse_when("2026-01-31T10:00:00") == datetime(2026, 1, 31, 10, tzinfo=UTC)
    assert parse_when("2026-01-31T10:00:00Z") == datetime(2026, 1, 31, 10, tzinfo=UTC)
    assert parse_when("2026-01-31T12:00:00+02:00") == datetime(2026, 1, 31, 10, tzinfo=UTC)


@pytest.mark.parametrize("text", ["yesterday", "2026-02-30", "31/01/2026", ""])
def test_unreadable_dates_are_a_clear_error(text: str) -> None:
    with pytest.raises(SearchError, match="not a date"):
        parse_when(text)


def test_the_calendars_edges_are_bounds_or_a_clear_error_never_an_overflow() -> None:
    assert parse_when("9999-12-31", end_of_day=True) == datetime.max.replace(tzinfo=UTC)
    assert parse_when("0001-01-01") == datetime.min.replace(tzinfo=UTC)
    for text in ("0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00"):
        with pytest.raises(SearchError, match="outside the years 1 to 9999"):
            parse_when(text)


def test_criteria_know_whether_anything_was_asked() -> None:
    assert not Criteria().any() and Criteria(partner_id="acme").any()


def test_the_audit_clock_can_be_replaced_for_a_block() -> None:
    fixed = datetime(2030, 5, 6, tzinfo=UTC)
    with clock.use_clock(lambda: fixed):
        assert clock.now() == fixed
    assert clock.now() != fixed and clock.now().tzinfo is not None
