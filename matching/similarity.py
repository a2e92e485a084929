"""String similarities with exactly DuckDB's semantics, so a level decided here is the level
DuckDB (and so Splink) decides for the same two values."""

from __future__ import annotations

# DuckDB's Jaro-Winkler: prefix scale 0.1 over at most 4 leading characters, applied only
# when the Jaro similarity exceeds 0.7 (the Winkler boost threshold).
_PREFIX_SCALE = 0.1
_PREFIX_MAX = 4
_BOOST_THRESHOLD = 0.7


def jaro(a: str, b: str) -> float:
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    window = max(max(len(a), len(b)) // 2 - 1, 0)
    taken_b = [False] * len(b)
    matched_a: list[str] = []
    for i, ch in enumerate(a):
        for j in range(max(0, i - window), min(len(b), i + window + 1)):
            if not taken_b[j] and b[j] == ch:
                taken_b[j] = True
                matched_a.append(ch)
                break
    matches = len(matched_a)
    if matches == 0:
        return 0.0
    matched_b = [b[j] for j in range(len(b)) if taken_b[j]]
    transpositions = sum(x != y for x, y in zip(matched_a, matched_b, strict=True)) // 2
    return (matches / len(a) + matches / len(b) + (matches - transpositions) / matches) / 3.0


def jaro_winkler(a: str, b: str) -> float:
    similarity = jaro(a, b)
    if similarity <= _BOOST_THRESHOLD:
        return similarity
    prefix = 0
    for x, y in zip(a[:_PREFIX_MAX], b[:_PREFIX_MAX], strict=False):
        if x != y:
            break
        prefix += 1
    return similarity + prefix * _PREFIX_SCALE * (1.0 - similarity)


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
