"""Whether a resource meets one search criterion: token values (``code``, ``system|code``,
``system|``, ``|code``) against codes, Codings and CodeableConcepts, and dates with a prefix
(``eq``, ``ge``, ``le``, ``gt``, ``lt``) compared as ranges of days, as FHIR search compares a
date of some precision with a value of another. Pure."""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from exchange.domain.search_parameters import Kind, SearchParameter, first_value, values_at

DAY_FORMATS = ("YYYY", "YYYY-MM", "YYYY-MM-DD")
PREFIXES = ("eq", "ge", "le", "gt", "lt")


@dataclass(frozen=True)
class Token:
    system: str | None  # None: any system; "": no system
    code: str | None  # None: any code of the system


@dataclass(frozen=True)
class Days:
    """The days a date of some precision covers, both ends included (2024-03 is March 1 to 31)."""

    first: date
    last: date


@dataclass(frozen=True)
class DateValue:
    prefix: str
    days: Days


def days_of(text: str) -> Days | None:
    """A FHIR date or dateTime as the days it covers (a dateTime as its calendar day); None when
    it is not one."""
    head = text[:10]
    try:
        if len(head) == 4:
            year = int(head)
            return Days(date(year, 1, 1), date(year, 12, 31))
        if len(head) == 7 and head[4] == "-":
            year, month = int(head[:4]), int(head[5:7])
            return Days(date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]))
        return Days(date.fromisoformat(head), date.fromisoformat(head)) if len(head) == 10 else None
    except ValueError:
        return None


Coded = tuple[str | None, str | None, bool]  # system, code, and whether the system is implied (a plain code)


def _codings(value: Any) -> list[Coded]:
    if isinstance(value, str):  # a code: its system is implied by the element, so only the code is compared
        return [(None, value, True)]
    if not isinstance(value, Mapping):
        return []
    if "coding" in value:
        return [coded for coding in value.get("coding") or [] for coded in _codings(coding)]
    return [(value.get("system"), value.get("code"), False)]


def _token_matches(wanted: Token, found: Coded) -> bool:
    system, code, implied = found
    if wanted.code is not None and code != wanted.code:
        return False
    return implied or wanted.system is None or (system or "") == wanted.system


def _date_matches(wanted: DateValue, found: Days) -> bool:
    """FHIR's date prefixes on ranges: ``eq`` the resource's days lie within the asked ones;
    ``gt`` some of them come after, ``lt`` some before; ``ge`` is ``gt`` or ``eq``, ``le`` ``lt`` or ``eq``."""
    asked = wanted.days
    within = asked.first <= found.first and found.last <= asked.last
    after, before = found.last > asked.last, found.first < asked.first
    return {"eq": within, "gt": after, "lt": before, "ge": after or within, "le": before or within}[wanted.prefix]


def meets(resource: Mapping[str, Any], parameter: SearchParameter, alternatives: tuple[Any, ...]) -> bool:
    """At least one of ``alternatives`` (the comma-separated values of one parameter) holds."""
    if parameter.kind is Kind.TOKEN:
        coded = [one for path in parameter.paths for value in values_at(resource, path) for one in _codings(value)]
        return any(_token_matches(token, one) for token in alternatives for one in coded)
    start = first_value(resource, parameter.paths)
    found = days_of(start) if isinstance(start, str) else None
    if found is None:
        return False  # a resource without the date meets no date criterion
    end = first_value(resource, (parameter.end,)) if parameter.end else None
    last = days_of(end) if isinstance(end, str) else None
    found = Days(found.first, max(found.last, last.last)) if last else found
    return any(_date_matches(d, found) for d in alternatives)
