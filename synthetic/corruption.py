"""How values go wrong on their way into a payer's extract: keying and OCR typos,
day and month swapped, phone numbers written a dozen ways."""

from __future__ import annotations

import random
from datetime import date
from typing import Final

_ROWS: Final = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_NEIGHBOURS: Final = {
    ch: "".join(
        _ROWS[r2][c2]
        for r2 in (r - 1, r, r + 1)
        if 0 <= r2 < len(_ROWS)
        for c2 in (c - 1, c, c + 1)
        if 0 <= c2 < len(_ROWS[r2]) and (r2, c2) != (r, c)
    )
    for r, row in enumerate(_ROWS)
    for c, ch in enumerate(row)
}
# What a scanner or a hurried clerk reads instead of the real characters.
_OCR: Final = (("rn", "m"), ("m", "rn"), ("cl", "d"), ("O", "0"), ("o", "0"), ("l", "1"), ("I", "1"),
               ("S", "5"), ("B", "8"), ("e", "c"), ("a", "o"), ("h", "b"), ("u", "v"))  # fmt: skip

PHONE_FORMATS: Final = (
    "({a}) {e}-{l}",
    "{a}-{e}-{l}",
    "{a}.{e}.{l}",
    "{a}{e}{l}",
    "+1 {a} {e} {l}",
    "1-{a}-{e}-{l}",
    "{a} {e} {l}",
    "({a}){e}-{l}",
)


def _keyboard(rng: random.Random, ch: str) -> str:
    near = _NEIGHBOURS.get(ch.lower())
    if not near:
        return ch
    out = rng.choice(near)
    return out.upper() if ch.isupper() else out


def typo(rng: random.Random, value: str) -> str:
    """One error of the kinds people and scanners make; the result always differs."""
    if len(value) < 2:
        return value + value
    kind = rng.randrange(5)
    i = rng.randrange(1, len(value)) if len(value) > 2 else 1
    if kind == 0 and value[i - 1] != value[i]:  # swap two neighbours
        out = value[: i - 1] + value[i] + value[i - 1] + value[i + 1 :]
    elif kind == 1 and len(value) > 3:  # drop a character
        out = value[:i] + value[i + 1 :]
    elif kind == 2:  # neighbouring key
        out = value[:i] + _keyboard(rng, value[i]) + value[i + 1 :]
    elif kind == 3:  # doubled key
        out = value[:i] + value[i] + value[i:]
    else:  # OCR confusion, else a neighbouring key
        found = [(a, b) for a, b in _OCR if a in value[1:]]
        if found:
            a, b = rng.choice(found)
            at = value.index(a, 1)
            out = value[:at] + b + value[at + len(a) :]
        else:
            out = value[:i] + _keyboard(rng, value[i]) + value[i + 1 :]
    return out if out != value else value[:i] + value[i] + value[i:]


def transposed_dob(ordinal: int) -> str:
    """The date with day and month swapped, or "" when that is not a valid different date."""
    day = date.fromordinal(ordinal)
    if day.day > 12 or day.day == day.month:
        return ""
    return f"{day.year:04d}-{day.day:02d}-{day.month:02d}"


def format_phone(digits: str, pattern: str) -> str:
    return pattern.format(a=digits[:3], e=digits[3:6], l=digits[6:])
