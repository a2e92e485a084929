"""``_typeFilter`` of a Bulk Data export (FHIR Bulk Data IG, export): each value is a FHIR search
query on one resource type (``Observation?category=laboratory``), parsed here into criteria and
evaluated on resources. Pure.

- A resource of a type that has queries is exported only when it meets at least one of them (the
  queries of one type are OR-ed); a type without queries is not filtered.
- Within a query every parameter must hold (AND); the comma-separated values of one parameter
  are alternatives (OR).
- ``_type`` is applied first: a query on a type ``_type`` leaves out brings none of it back.
- Only ``SEARCH_PARAMETERS`` may be used. Search result parameters (``_sort``, ``_include``,
  ``_elements``, ...), modifiers (``code:text``), chains and anything else are refused with the
  parameter named, as are date prefixes other than ``eq ge le gt lt`` and dates with a time."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from exchange.domain.release_rules import RELEASABLE_TYPES, ReleaseInputError
from exchange.domain.search_match import DAY_FORMATS, PREFIXES, DateValue, Token, days_of, meets
from exchange.domain.search_parameters import SEARCH_PARAMETERS, Kind, SearchParameter

NAME = "_typeFilter"


@dataclass(frozen=True)
class Criterion:
    name: str
    parameter: SearchParameter
    alternatives: tuple[Token, ...] | tuple[DateValue, ...]


Query = tuple[Criterion, ...]  # every criterion must hold
TypeFilters = Mapping[str, tuple[Query, ...]]  # per resource type, any query may hold


def _refuse(message: str) -> ReleaseInputError:
    return ReleaseInputError(NAME, message)


def _token(text: str) -> Token:
    system, bar, code = text.partition("|")
    if not bar:
        return Token(None, text)
    return Token(system, code or None)


def _date(where: str, text: str) -> DateValue:
    prefix, rest = (text[:2], text[2:]) if text[:2].isalpha() else ("eq", text)
    if prefix not in PREFIXES:
        raise _refuse(f"{where}: the date prefix {prefix} is not supported (supported: {', '.join(PREFIXES)})")
    days = days_of(rest) if len(rest) in (4, 7, 10) else None
    if days is None:
        raise _refuse(f"{where}: {rest!r} is not a date; dates are compared by day: {', '.join(DAY_FORMATS)}")
    return DateValue(prefix, days)


def _criterion(resource_type: str, name: str, value: str) -> Criterion:
    supported = SEARCH_PARAMETERS.get(resource_type, {})
    where = f"{resource_type}?{name}"
    if name not in supported:
        names = ", ".join(sorted(supported)) or "none"
        raise _refuse(f"the search parameter {name} is not supported on {resource_type} in {NAME} "
                      f"(supported: {names})")  # fmt: skip
    parameter = supported[name]
    texts = [part for part in value.split(",") if part]
    if not texts:
        raise _refuse(f"{where} needs a value")
    if parameter.kind is Kind.TOKEN:
        return Criterion(name, parameter, tuple(_token(t) for t in texts))
    return Criterion(name, parameter, tuple(_date(where, t) for t in texts))


def parse_query(text: str) -> tuple[str, Query]:
    """``Type?name=value&...`` as its type and criteria."""
    resource_type, mark, query = text.partition("?")
    if not mark or not query:
        raise _refuse(f"{text!r} is not a search query: write ResourceType?parameter=value")
    if resource_type not in RELEASABLE_TYPES:
        raise _refuse(f"unknown resource type {resource_type!r} (we hold: {', '.join(RELEASABLE_TYPES)})")
    try:
        pairs = parse_qsl(query, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        raise _refuse(f"{text!r} is not a search query: write ResourceType?parameter=value") from None
    return resource_type, tuple(_criterion(resource_type, name, value) for name, value in pairs)


def parse_type_filters(texts: Iterable[str]) -> dict[str, tuple[Query, ...]]:
    filters: dict[str, list[Query]] = {}
    for text in texts:
        resource_type, query = parse_query(text)
        filters.setdefault(resource_type, []).append(query)
    return {kind: tuple(queries) for kind, queries in filters.items()}


def admits(filters: TypeFilters, resource_type: str, resource: Mapping[str, Any]) -> bool:
    """Whether the resource passes ``_typeFilter``: no query on its type, or one it meets."""
    queries = filters.get(resource_type)
    if not queries:
        return True
    return any(all(meets(resource, c.parameter, c.alternatives) for c in query) for query in queries)
