"""Persons and their households: singles, couples with children, single parents, twins,
juniors and a cluster of very common names. Columns are plain lists indexed by person."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from synthetic import identity
from synthetic.config import GeneratorConfig
from synthetic.places import Address, Places, phone_number
from synthetic.rng import Weighted, chance
from synthetic.vocab import COMMON_NAMES, LAST_NAMES

_COUPLE_SHARE = 0.7  # of families; the rest are single parents
_COUPLE_KIDS = Weighted([0, 1, 2, 3, 4], [0.3, 0.25, 0.28, 0.12, 0.05])
_SINGLE_PARENT_KIDS = Weighted([1, 2, 3], [0.5, 0.35, 0.15])
_SINGLE_AGES = Weighted([(18, 25), (26, 40), (41, 64), (65, 90)], [0.15, 0.3, 0.4, 0.15])
_MEAN_FAMILY = _COUPLE_SHARE * (2 + 1.37) + (1 - _COUPLE_SHARE) * (1 + 1.65)


@dataclass
class Population:
    family: list[int] = field(default_factory=list)  # household index
    role: list[str] = field(default_factory=list)  # self, spouse or child in the household
    sex: list[str] = field(default_factory=list)
    first: list[str] = field(default_factory=list)
    middle: list[str] = field(default_factory=list)
    last: list[str] = field(default_factory=list)  # current last name
    maiden: list[str] = field(default_factory=list)  # last name before marriage, "" if unchanged
    suffix: list[str] = field(default_factory=list)
    dob: list[int] = field(default_factory=list)  # date ordinal
    twin_of: list[int] = field(default_factory=list)  # person index or -1
    ssn: list[str] = field(default_factory=list)
    mobile: list[str] = field(default_factory=list)
    email: list[str] = field(default_factory=list)
    nickname: list[str] = field(default_factory=list)
    common: list[bool] = field(default_factory=list)  # one of the very common names
    hh_start: list[int] = field(default_factory=list)
    hh_size: list[int] = field(default_factory=list)
    hh_address: list[Address] = field(default_factory=list)
    hh_phone: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.first)

    def members_of(self, household: int) -> range:
        start = self.hh_start[household]
        return range(start, start + self.hh_size[household])


def person_id(index: int) -> str:
    return f"P{index + 1:08d}"


def family_id(household: int) -> str:
    return f"F{household + 1:08d}"


class _Builder:
    def __init__(self, cfg: GeneratorConfig, rng: random.Random, places: Places) -> None:
        self.cfg, self.rng, self.places = cfg, rng, places
        self.pop = Population()
        self.today = cfg.as_of.toordinal()
        single = _MEAN_FAMILY * (1 - cfg.family_share)  # households, so that persons match family_share
        self.p_single = single / (single + cfg.family_share)

    def add(self, role: str, sex: str, first: str, last: str, age: int, *, dob: int = 0, common: bool = False) -> int:
        rng, pop = self.rng, self.pop
        dob = dob or self.today - age * 365 - rng.randint(0, 364)
        area = pop.hh_address[-1].area_code
        adult = age >= 18
        pop.family.append(len(pop.hh_start) - 1)
        pop.role.append(role)
        pop.sex.append(sex)
        pop.first.append(first)
        pop.middle.append(identity.middle_name(rng, sex, first))
        pop.last.append(last)
        pop.maiden.append("")
        pop.suffix.append("")
        pop.dob.append(dob)
        pop.twin_of.append(-1)
        pop.ssn.append(identity.ssn(rng) if chance(rng, 0.97 if adult else 0.9) else "")
        pop.mobile.append(phone_number(rng, area) if adult and chance(rng, 0.9) else "")
        wants_email = chance(rng, 0.85) if adult else age >= 13 and chance(rng, 0.3)
        pop.email.append(identity.email(rng, first, last, date.fromordinal(dob).year) if wants_email else "")
        pop.nickname.append(identity.nickname(rng, first))
        pop.common.append(common)
        pop.hh_size[-1] += 1
        return len(pop.first) - 1

    def household(self, room: int) -> None:
        rng, pop = self.rng, self.pop
        pop.hh_start.append(len(pop.first))
        pop.hh_size.append(0)
        address = self.places.address(rng)
        pop.hh_address.append(address)
        pop.hh_phone.append(phone_number(rng, address.area_code))
        if room == 1 or chance(rng, self.p_single):
            self.single()
        else:
            self.family(room)

    def single(self) -> None:
        rng = self.rng
        low, high = _SINGLE_AGES.pick(rng)
        if chance(rng, self.cfg.common_name_share):
            first, last, sex = rng.choice(COMMON_NAMES)
            self.add("self", sex, first, last, rng.randint(low, high), common=True)
        else:
            sex = "F" if chance(rng, 0.51) else "M"
            self.add("self", sex, identity.first_name(rng, sex), LAST_NAMES.pick(rng), rng.randint(low, high))

    def family(self, room: int) -> None:
        rng, pop = self.rng, self.pop
        surname = LAST_NAMES.pick(rng)
        age = rng.randint(24, 62)
        couple = chance(rng, _COUPLE_SHARE)
        sex = "F" if chance(rng, 0.5) else "M"
        adults = [self.add("self", sex, identity.first_name(rng, sex), surname, age)]
        if couple:
            other = sex if chance(rng, 0.05) else ("M" if sex == "F" else "F")
            spouse_age = max(18, age + rng.randint(-8, 8))
            adults.append(self.add("spouse", other, identity.first_name(rng, other), surname, spouse_age))
            if sex != other:
                wife = adults[0] if sex == "F" else adults[1]
                own = LAST_NAMES.pick(rng)
                if chance(rng, 0.75):
                    pop.maiden[wife] = own
                    if chance(rng, 0.06):
                        pop.last[wife] = f"{own}-{surname}"
                else:
                    pop.last[wife] = own
        kids = (_COUPLE_KIDS if couple else _SINGLE_PARENT_KIDS).pick(rng)
        youngest_parent = min(self.today - pop.dob[a] for a in adults) // 365
        father = next((a for a in adults if pop.sex[a] == "M"), -1)
        for _ in range(kids):
            if pop.hh_size[-1] >= room:
                break
            household = pop.members_of(len(pop.hh_start) - 1)
            first_son = father >= 0 and not any(pop.role[i] == "child" and pop.sex[i] == "M" for i in household)
            self.child(surname, rng.randint(0, max(0, min(25, youngest_parent - 18))), father, room, first_son)

    def child(self, surname: str, age: int, father: int, room: int, first_son: bool) -> None:
        rng, pop = self.rng, self.pop
        sex = "F" if chance(rng, 0.49) else "M"
        junior = first_son and sex == "M" and chance(rng, self.cfg.junior_share)
        kid = self.add("child", sex, pop.first[father] if junior else identity.first_name(rng, sex), surname, age)
        if junior:
            pop.suffix[kid] = "Jr"
        if chance(rng, self.cfg.twin_share) and pop.hh_size[-1] < room:
            sex2 = "F" if chance(rng, 0.5) else "M"
            twin = self.add(
                "child", sex2, identity.similar_first_name(rng, sex2, pop.first[kid]), surname, age, dob=pop.dob[kid]
            )
            pop.twin_of[kid], pop.twin_of[twin] = twin, kid


def build_population(cfg: GeneratorConfig, rng: random.Random, places: Places) -> Population:
    builder = _Builder(cfg, rng, places)
    while len(builder.pop) < cfg.members:
        builder.household(cfg.members - len(builder.pop))
    return builder.pop
