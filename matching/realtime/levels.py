"""A level's SQL condition, as Splink saved it in the model, turned into a Python predicate.

Splink's standard levels have a fixed SQL shape, recognised here; custom levels are found
by their exact SQL in ``comparisons.custom_predicates()``. A condition that is neither is
refused when the model is compiled, never guessed at request time.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from matching.linkage.comparisons import Features, Predicate, custom_predicates
from matching.similarity import jaro_winkler, within_one_edit

_COLUMN = r'"(?P<col>[a-z0-9_]+)_l"'
_PAIR = _COLUMN + r', "(?P=col)_r"'
_STANDARD: list[tuple[re.Pattern[str], Callable[[re.Match[str]], Predicate]]] = []


class UnsupportedLevel(ValueError):
    """The model has a level the real-time scorer cannot evaluate exactly."""


def _shape(pattern: str) -> Callable[[Callable[[re.Match[str]], Predicate]], Callable[[re.Match[str]], Predicate]]:
    def register(build: Callable[[re.Match[str]], Predicate]) -> Callable[[re.Match[str]], Predicate]:
        _STANDARD.append((re.compile(f"^{pattern}$"), build))
        return build

    return register


@_shape(_COLUMN + r' IS NULL OR "(?P=col)_r" IS NULL')
def _null(m: re.Match[str]) -> Predicate:
    col = m["col"]
    return lambda x, y: x.get(col) is None or y.get(col) is None


def _both(col: str, test: Callable[[Any, Any], bool]) -> Predicate:
    """``test`` on the two values of ``col``; false when either is missing (SQL NULL)."""

    def predicate(x: Features, y: Features) -> bool:
        a, b = x.get(col), y.get(col)
        return a is not None and b is not None and test(a, b)

    return predicate


@_shape(_COLUMN + r' = "(?P=col)_r"')
def _exact(m: re.Match[str]) -> Predicate:
    return _both(m["col"], lambda a, b: bool(a == b))


@_shape(r"jaro_winkler_similarity\(" + _PAIR + r"\) >= (?P<t>[0-9.]+)")
def _jaro_winkler(m: re.Match[str]) -> Predicate:
    threshold = float(m["t"])
    return _both(m["col"], lambda a, b: jaro_winkler(a, b) >= threshold)


@_shape(r"damerau_levenshtein\(" + _PAIR + r"\) <= 1")
def _one_edit(m: re.Match[str]) -> Predicate:
    return _both(m["col"], within_one_edit)


@_shape(r"array_length\(list_intersect\(" + _PAIR + r"\)\) >= 1")
def _overlap(m: re.Match[str]) -> Predicate:
    return _both(m["col"], lambda a, b: not set(a).isdisjoint(b))


def _always(_x: Features, _y: Features) -> bool:
    return True


def predicate_for(sql: str, custom: Mapping[str, Predicate] | None = None) -> Predicate:
    if sql.strip().upper() == "ELSE":
        return _always
    known = custom if custom is not None else custom_predicates()
    if sql in known:
        return known[sql]
    for pattern, build in _STANDARD:
        if found := pattern.match(sql.strip()):
            return build(found)
    raise UnsupportedLevel(f"no real-time evaluation for the level condition {sql!r}")
