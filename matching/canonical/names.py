"""Name knowledge that SQL does not have: nickname variants and double-metaphone keys.

Both are computed once per distinct normalised name (a few thousand even for millions
of records) and joined back in DuckDB, so batch and real-time share one implementation.
"""

from __future__ import annotations

from functools import cache

from metaphone import doublemetaphone
from nicknames import NickNamer


@cache
def _namer() -> NickNamer:
    return NickNamer()


def first_name_variants(name: str | None) -> list[str] | None:
    """The name itself plus every formal name it is a nickname of (bob -> robert, ...),
    sorted. Two first names are nickname-compatible when their variant lists intersect."""
    if not name:
        return None
    first_token = name.split(" ", 1)[0]
    variants = {name, first_token} | {c.lower() for c in _namer().canonicals_of(first_token)}
    return sorted(variants)


def phonetic_keys(name: str | None) -> list[str] | None:
    """Double-metaphone primary and (if different) alternate codes of a normalised name."""
    if not name:
        return None
    primary, alternate = doublemetaphone(name.replace(" ", ""))
    keys = [k for k in (primary, alternate) if k]
    return sorted(set(keys)) or None
