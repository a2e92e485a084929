"""String similarities with exactly DuckDB's semantics, so a level decided here is the level
DuckDB (and so Splink) decides for the same two values."""

from __future__ import annotations

import jellyfish


def jaro_winkler(a: str, b: str) -> float:
    """Jaro-Winkler similarity as DuckDB's ``jaro_winkler_similarity`` computes it (prefix
    scale 0.1 over at most four characters, boost above 0.7): jellyfish's implementation
    agrees with it exactly (a test compares them on generated names and typos)."""
    return float(jellyfish.jaro_winkler_similarity(a, b))


def within_one_edit(a: str, b: str) -> bool:
    """Damerau-Levenshtein distance at most 1: equal, or one insertion, deletion,
    substitution or swap of two adjacent characters."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diffs = [i for i in range(la) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        if len(diffs) != 2 or diffs[1] != diffs[0] + 1:
            return False
        i, j = diffs
        return a[i] == b[j] and a[j] == b[i]
    short, long_ = (a, b) if la < lb else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    return short[i:] == long_[i + 1 :]
