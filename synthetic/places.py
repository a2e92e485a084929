"""Cities (per state, weighted by population), ZIP codes, area codes and street addresses."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Final, NamedTuple

from synthetic.rng import Weighted, chance
from synthetic.vocab import (
    CITY_PREFIXES,
    CITY_SUFFIXES,
    FIRST_NAMES,
    LAST_NAMES,
    STATE_ZIP_RANGES,
    STREET_SUFFIXES,
    UNIT_KINDS,
)

# Approximate resident population in millions (2020 census), to weight where people live.
STATE_POPULATION: Final = {
    "AL": 5.0, "AK": 0.73, "AZ": 7.2, "AR": 3.0, "CA": 39.5, "CO": 5.8, "CT": 3.6, "DE": 1.0,
    "DC": 0.69, "FL": 21.5, "GA": 10.7, "HI": 1.46, "ID": 1.8, "IL": 12.8, "IN": 6.8, "IA": 3.2,
    "KS": 2.9, "KY": 4.5, "LA": 4.7, "ME": 1.36, "MD": 6.2, "MA": 7.0, "MI": 10.1, "MN": 5.7,
    "MS": 2.96, "MO": 6.15, "MT": 1.08, "NE": 1.96, "NV": 3.1, "NH": 1.38, "NJ": 9.3, "NM": 2.1,
    "NY": 20.2, "NC": 10.4, "ND": 0.78, "OH": 11.8, "OK": 4.0, "OR": 4.2, "PA": 13.0, "RI": 1.1,
    "SC": 5.1, "SD": 0.89, "TN": 6.9, "TX": 29.1, "UT": 3.3, "VT": 0.64, "VA": 8.6, "WA": 7.7,
    "WV": 1.8, "WI": 5.9, "WY": 0.58,
}  # fmt: skip
_CITIES_PER_MILLION: Final = 6


class Address(NamedTuple):
    number: str
    predir: str  # "", "N", "S", "E" or "W"
    street: str  # "Oak"
    suffix: str  # "Street" (full form; abbreviated when a record is written)
    unit_kind: str  # "Apt", "Unit", "#", "Ste" or ""
    unit: str  # "4B" or ""
    city: str
    state: str
    zip5: str
    plus4: str
    area_code: str


@dataclass(frozen=True)
class City:
    name: str
    state: str
    zips: tuple[str, ...]
    area_code: str


def _city_name(rng: random.Random) -> str:
    form = rng.randrange(4)
    first = FIRST_NAMES["M" if chance(rng, 0.5) else "F"].pick(rng)
    if form == 0:
        return f"{rng.choice(CITY_PREFIXES)} {first}{rng.choice(CITY_SUFFIXES)}"
    if form == 1:
        return f"{rng.choice(CITY_PREFIXES)} {first}"
    if form == 2:
        return f"{first}{rng.choice(CITY_SUFFIXES)}"
    return f"{LAST_NAMES.pick(rng)}{rng.choice(CITY_SUFFIXES)}"


def _area_code(rng: random.Random) -> str:
    while True:
        code = f"{rng.randint(2, 9)}{rng.randint(0, 9)}{rng.randint(0, 9)}"
        if code[1:] != "11" and code[1] != "9" and not (code[0] == "8" and code[1] == code[2]):  # no N11, 8xx toll-free
            return code


class Places:
    """The cities of one population (drawn once from the seed) and address sampling."""

    def __init__(self, rng: random.Random) -> None:
        cities: list[City] = []
        weights: list[float] = []
        self.state_cities: dict[str, Weighted[City]] = {}
        for state, population in STATE_POPULATION.items():
            low, high = STATE_ZIP_RANGES[state]
            codes = [_area_code(rng) for _ in range(max(1, round(population / 3)))]
            count = max(3, round(population * _CITIES_PER_MILLION))
            local = [
                City(
                    name=_city_name(rng),
                    state=state,
                    zips=tuple(f"{rng.randint(low, high):05d}" for _ in range(rng.randint(1, 4))),
                    area_code=rng.choice(codes),
                )
                for _ in range(count)
            ]
            local_weights = [1.0 / (rank + 2) for rank in range(count)]  # a few big cities, many small
            total = sum(local_weights)
            cities.extend(local)
            weights.extend(population * w / total for w in local_weights)
            self.state_cities[state] = Weighted(local, local_weights)
        self.cities = Weighted(cities, weights)

    def address(self, rng: random.Random, city: City | None = None) -> Address:
        city = city or self.cities.pick(rng)
        has_unit = chance(rng, 0.25)
        unit = ""
        if has_unit:
            unit = str(rng.randint(1, 40 if chance(rng, 0.7) else 999))
            unit += rng.choice("ABCD") if chance(rng, 0.3) else ""
        return Address(
            number=str(rng.randint(1, 9999) if chance(rng, 0.93) else rng.randint(10000, 39999)),
            predir=rng.choice("NSEW") if chance(rng, 0.1) else "",
            street=LAST_NAMES.pick(rng)
            if chance(rng, 0.55)
            else FIRST_NAMES["M" if chance(rng, 0.5) else "F"].pick(rng),
            suffix=STREET_SUFFIXES.pick(rng),
            unit_kind=UNIT_KINDS.pick(rng) if has_unit else "",
            unit=unit,
            city=city.name,
            state=city.state,
            zip5=rng.choice(city.zips),
            plus4=f"{rng.randint(1, 9999):04d}",
            area_code=city.area_code,
        )

    def nearby_or_far(self, rng: random.Random, current: Address) -> Address:
        """A new address after a move: usually in the same state, sometimes elsewhere."""
        if chance(rng, 0.7):
            return self.address(rng, self.state_cities[current.state].pick(rng))
        return self.address(rng)


def phone_number(rng: random.Random, area_code: str) -> str:
    """Ten digits: area code, exchange (not N11), line."""
    exchange = f"{rng.randint(2, 9)}{rng.randint(0, 9)}{rng.randint(0, 9)}"
    if exchange[1:] == "11":
        exchange = exchange[0] + "21"
    return f"{area_code}{exchange}{rng.randint(0, 9999):04d}"
