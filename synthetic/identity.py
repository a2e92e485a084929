"""Per-person identifiers drawn at birth of the population: SSN, e-mail, nickname, names."""

from __future__ import annotations

import random

from synthetic.rng import chance
from synthetic.vocab import EMAIL_DOMAINS, FIRST_BY_INITIAL, FIRST_NAMES, nicknames_of


def ssn(rng: random.Random) -> str:
    area = rng.randint(1, 899)
    if area == 666:
        area = 667
    return f"{area:03d}{rng.randint(1, 99):02d}{rng.randint(1, 9999):04d}"


def email(rng: random.Random, first: str, last: str, birth_year: int) -> str:
    """A lower-case address in one of the usual shapes (records vary the case later)."""
    first, last = first.lower(), last.lower().replace("-", "")
    form = rng.randrange(6)
    if form == 0:
        user = f"{first}.{last}"
    elif form == 1:
        user = f"{first}{last}"
    elif form == 2:
        user = f"{first[0]}{last}"
    elif form == 3:
        user = f"{first}_{last}{rng.randint(1, 99)}"
    elif form == 4:
        user = f"{last}{first[0]}{birth_year % 100:02d}"
    else:
        user = f"{first}{birth_year}"
    return f"{user}@{EMAIL_DOMAINS.pick(rng)}"


def first_name(rng: random.Random, sex: str) -> str:
    return FIRST_NAMES[sex].pick(rng)


def similar_first_name(rng: random.Random, sex: str, other: str) -> str:
    """A different first name, often sharing the first letter (twins: Jayden and Jaylen)."""
    pool = FIRST_BY_INITIAL[sex].get(other[0], [])
    candidates = [name for name in pool if name != other]
    if candidates and chance(rng, 0.6):
        return rng.choice(candidates)
    while True:
        name = FIRST_NAMES[sex].pick(rng)
        if name != other:
            return name


def middle_name(rng: random.Random, sex: str, first: str) -> str:
    if not chance(rng, 0.75):
        return ""
    while True:
        name = FIRST_NAMES[sex].pick(rng)
        if name != first:
            return name


def nickname(rng: random.Random, first: str) -> str:
    """The nickname this person goes by when not using the full name ("" when none)."""
    nicknames = nicknames_of(first)
    return nicknames.pick(rng) if nicknames else ""
