"""Who is covered where and when: each household's journey across payers (a single
enrollment, a lapse, one or two payer switches, dual coverage), the memberships of its
persons, and the life events that make records disagree (moves and marriages)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from synthetic.config import GeneratorConfig
from synthetic.people import Population
from synthetic.places import Address, Places
from synthetic.rng import Weighted, chance

_PLANS = ("Gold PPO", "Silver PPO", "Silver HMO", "Bronze EPO", "Platinum PPO", "HDHP with HSA", "Select HMO")


@dataclass(slots=True)
class Episode:
    household: int
    payer: int
    start: int  # date ordinals; end 0 while coverage is open
    end: int
    system: int  # the payer's source system holding the enrollment (0-based)
    group_id: str
    plan: str
    subscriber: int  # person index
    prev: int = -1  # previous episode of the same journey (the switch's old coverage)
    dual: bool = False
    base: int = 0  # member id base number, see member_ids
    recycled: bool = False
    members: list[int] = field(default_factory=list)  # membership indexes


@dataclass(slots=True)
class Membership:
    episode: int
    person: int
    relationship: str
    person_code: int
    start: int
    end: int
    member_id: str = ""
    subscriber_id: str = ""


@dataclass
class Enrollment:
    episodes: list[Episode] = field(default_factory=list)
    memberships: list[Membership] = field(default_factory=list)
    moves: dict[int, tuple[int, Address]] = field(default_factory=dict)  # household -> (date, old address)
    marriages: dict[int, int] = field(default_factory=dict)  # person -> marriage date


def _month_start(rng: random.Random, ordinal: int) -> int:
    if chance(rng, 0.15):
        return ordinal
    day = date.fromordinal(ordinal)
    return day.replace(day=1).toordinal()


class _Journeys:
    def __init__(self, cfg: GeneratorConfig, rng: random.Random, pop: Population, places: Places) -> None:
        self.cfg, self.rng, self.pop, self.places = cfg, rng, pop, places
        self.today = cfg.as_of.toordinal()
        self.market = Weighted(list(range(cfg.payers)), [1.0 / (k + 1.5) for k in range(cfg.payers)])
        self.systems = Weighted(
            list(range(cfg.source_systems_per_payer)), [0.7**k for k in range(cfg.source_systems_per_payer)]
        )
        self.out = Enrollment()

    def other_payer(self, *excluded: int) -> int:
        while True:
            payer = self.market.pick(self.rng)
            if payer not in excluded:
                return payer

    def household(self, hh: int) -> None:
        cfg, rng, today = self.cfg, self.rng, self.today
        members = self.pop.members_of(hh)
        adult_from = self.pop.dob[members.start] + 18 * 365
        if chance(rng, cfg.switch_share):
            switches = [today - rng.randint(30, 4 * 365)]
            if chance(rng, cfg.second_switch_share):
                switches.insert(0, switches[0] - rng.randint(180, 3 * 365))
            switches = [_month_start(rng, s) for s in switches]
            starts = [switches[0] - rng.randint(365, 8 * 365), *switches]
            ends = [s - 1 for s in switches] + [0]
            payers = [self.market.pick(rng)]
            for _ in switches:
                payers.append(self.other_payer(payers[-1]))
        else:
            start = max(_month_start(rng, today - rng.randint(60, 12 * 365)), adult_from)
            earliest_end = max(start + 90, max(self.pop.dob[p] for p in members) + 30)
            lapsed = chance(rng, cfg.lapsed_share) and earliest_end < today - 30
            starts, ends, payers = (
                [start],
                [rng.randint(earliest_end, today - 30) if lapsed else 0],
                [self.market.pick(rng)],
            )
        prev = -1
        for start, end, payer in zip(starts, ends, payers, strict=True):
            start = max(start, adult_from)
            if (end and end < start + 30) or start >= today:
                continue
            prev = self.episode(hh, payer, start, end, prev, swap=prev >= 0 and chance(rng, 0.25))
        if prev < 0:  # a very young subscriber: covered since recently
            prev = self.episode(hh, payers[-1], min(today - 1, max(adult_from, today - 400)), 0, -1, swap=False)
        if chance(rng, cfg.dual_coverage_share) and self.out.episodes and self.out.episodes[-1].household == hh:
            last = self.out.episodes[-1]
            start = rng.randint(last.start, max(last.start, today - 60))
            if not last.end or start + 30 < last.end:
                self.episode(hh, self.other_payer(last.payer), start, last.end, -1, swap=True, dual=True)
        self.life_events(hh, len(starts) > 1, starts)

    def episode(self, hh: int, payer: int, start: int, end: int, prev: int, *, swap: bool, dual: bool = False) -> int:
        rng, pop, out = self.rng, self.pop, self.out
        members = pop.members_of(hh)
        spouse = next((p for p in members if pop.role[p] == "spouse"), -1)
        subscriber = spouse if swap and spouse >= 0 else members.start
        age = (start - pop.dob[subscriber]) // 365
        index = len(out.episodes)
        plan = "Medicare Advantage" if age >= 65 and chance(rng, 0.7) else rng.choice(_PLANS)
        group = f"{rng.randint(1000, 99999):05d}" if chance(rng, 0.5) else f"GRP{rng.randint(100000, 999999)}"
        ep = Episode(hh, payer, start, end, self.systems.pick(rng), group, plan, subscriber, prev, dual)
        out.episodes.append(ep)
        partner = spouse if subscriber == members.start else members.start
        code = 3
        for person in members:
            if end and pop.dob[person] > end:
                continue
            if person == subscriber:
                relationship, person_code = "self", 1
            elif person == partner and pop.role[person] in ("self", "spouse"):
                relationship, person_code = "spouse", 2
            else:
                relationship, person_code = ("other" if chance(rng, 0.015) else "child"), code
                code += 1
            ep.members.append(len(out.memberships))
            out.memberships.append(
                Membership(index, person, relationship, person_code, max(start, pop.dob[person]), end)
            )
        return index

    def life_events(self, hh: int, switched: bool, starts: list[int]) -> None:
        cfg, rng, pop, today = self.cfg, self.rng, self.pop, self.today
        pivot = rng.choice(starts[1:]) if switched else rng.randint(min(starts[0] + 30, today - 30), today - 30)
        if chance(rng, cfg.move_share if switched else cfg.move_share / 3):
            moved_on = pivot + rng.randint(-60, 30) if switched else pivot
            self.out.moves[hh] = (moved_on, self.places.nearby_or_far(rng, pop.hh_address[hh]))
        for person in pop.members_of(hh):
            if pop.maiden[person] and chance(rng, cfg.name_change_share):
                married = pivot - rng.randint(0, 180) if switched else pivot
                if married > pop.dob[person] + 18 * 365:
                    self.out.marriages[person] = married


def build_enrollment(cfg: GeneratorConfig, rng: random.Random, pop: Population, places: Places) -> Enrollment:
    journeys = _Journeys(cfg, rng, pop, places)
    for hh in range(len(pop.hh_start)):
        journeys.household(hh)
    return journeys.out
