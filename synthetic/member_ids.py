"""Member and subscriber ids in each payer's own format, and how people mistype them.

A household's enrollment at a payer gets a base number (a scrambled counter, so ids look
random yet never collide); the subscriber id is the base and each member adds a person
code (self 01, spouse 02, children 03...). A recycled id reuses an earlier base."""

from __future__ import annotations

import bisect
import random
from typing import Final

from synthetic.config import payer_letter
from synthetic.enrollment import Enrollment
from synthetic.rng import chance

_MODULUS: Final = 10**9
_MULTIPLIER: Final = 387_420_489  # 3**18, coprime with 10**9: the scramble is a bijection


def base_number(payer: int, counter: int) -> int:
    return (counter * _MULTIPLIER + 104_729 * (payer + 1)) % _MODULUS


def subscriber_id(payer: int, base: int) -> str:
    style = payer % 3
    letter = payer_letter(payer)
    if style == 0:
        return f"{letter}{base:09d}"
    if style == 1:
        return f"X{letter}{base:09d}"
    return f"{9 - payer % 9}{base:09d}"


def member_id(payer: int, base: int, person_code: int) -> str:
    sub = subscriber_id(payer, base)
    style = payer % 3
    if style == 0:
        return f"{sub}{person_code:02d}"
    if style == 1:
        return f"{sub}-{person_code:02d}"
    return f"{sub}*{person_code:02d}"


def mistype(rng: random.Random, value: str) -> str:
    """One keying error: a wrong digit, two digits swapped, a digit dropped or doubled."""
    digits = [i for i, ch in enumerate(value) if ch.isdigit()]
    if len(digits) < 2:
        return value + "0"
    kind = rng.randrange(4)
    i = rng.choice(digits[:-1])
    chars = list(value)
    if kind == 0:
        chars[i] = str((int(chars[i]) + rng.randint(1, 9)) % 10)
    elif kind == 1 and chars[i] != chars[i + 1] and chars[i + 1].isdigit():
        chars[i], chars[i + 1] = chars[i + 1], chars[i]
    elif kind == 2:
        del chars[i]
    else:
        chars.insert(i, chars[i])
    typed = "".join(chars)
    return typed if typed != value else value[:i] + str((int(value[i]) + 1) % 10) + value[i + 1 :]


def assign_ids(rng: random.Random, enrollment: Enrollment, payers: int, recycled_share: float) -> None:
    """Give every enrollment a base number, reuse some ended ones at the same payer for a
    later household (recycled ids), then write member and subscriber ids."""
    episodes = enrollment.episodes
    counters = [0] * payers
    for ep in episodes:
        ep.base = base_number(ep.payer, counters[ep.payer])
        counters[ep.payer] += 1
    for payer in range(payers):
        at_payer = sorted((ep.start, i) for i, ep in enumerate(episodes) if ep.payer == payer)
        starts = [start for start, _ in at_payer]
        for ep in episodes:
            if ep.payer != payer or not ep.end or ep.recycled or not chance(rng, recycled_share):
                continue
            first = bisect.bisect_left(starts, ep.end + rng.randint(30, 365))
            for _, j in at_payer[first : first + 50]:
                other = episodes[j]
                if not other.recycled and other.household != ep.household:
                    other.base, other.recycled, ep.recycled = ep.base, True, True
                    break
    for ep in episodes:
        sub = subscriber_id(ep.payer, ep.base)
        for index in ep.members:
            membership = enrollment.memberships[index]
            membership.member_id = member_id(ep.payer, ep.base, membership.person_code)
            membership.subscriber_id = sub
