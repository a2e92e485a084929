"""US business days: weekends and the federal holidays (5 U.S.C. 6103) with their observed
dates (a Saturday holiday is observed on the Friday before, a Sunday one on the Monday after).
Pure: no clock, no I/O."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

MONDAY, THURSDAY, SATURDAY, SUNDAY = 0, 3, 5, 6


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th ``weekday`` of the month (n >= 1), or the last one when n == -1."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _observed(day: date) -> date:
    if day.weekday() == SATURDAY:
        return day - timedelta(days=1)
    if day.weekday() == SUNDAY:
        return day + timedelta(days=1)
    return day


@cache
def federal_holidays(year: int) -> frozenset[date]:
    """The days the federal holidays of ``year`` are observed (New Year's Day of ``year + 1``
    falling on a Saturday is observed on December 31 of ``year``, so it is included here)."""
    fixed = [date(year, 1, 1), date(year, 7, 4), date(year, 11, 11), date(year, 12, 25)]
    if year >= 2021:
        fixed.append(date(year, 6, 19))  # Juneteenth, a federal holiday since 2021
    moving = [
        _nth_weekday(year, 1, MONDAY, 3),  # Martin Luther King Jr. Day
        _nth_weekday(year, 2, MONDAY, 3),  # Washington's Birthday
        _nth_weekday(year, 5, MONDAY, -1),  # Memorial Day
        _nth_weekday(year, 9, MONDAY, 1),  # Labor Day
        _nth_weekday(year, 10, MONDAY, 2),  # Columbus Day
        _nth_weekday(year, 11, THURSDAY, 4),  # Thanksgiving Day
    ]
    days = {_observed(d) for d in fixed} | set(moving)
    next_new_year = _observed(date(year + 1, 1, 1))
    if next_new_year.year == year:
        days.add(next_new_year)
    return frozenset(d for d in days if d.year == year)


def is_business_day(day: date) -> bool:
    return day.weekday() < SATURDAY and day not in federal_holidays(day.year)


def add_business_days(day: date, n: int) -> date:
    """The n-th business day after ``day`` (n >= 0; n == 0 gives ``day`` itself, business day or not)."""
    if n < 0:
        raise ValueError("n must be >= 0")
    current = day
    while n:
        current += timedelta(days=1)
        if is_business_day(current):
            n -= 1
    return current
