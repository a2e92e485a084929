"""Names, streets and e-mail domains, with weights, taken from Faker's en_US data arrays
(no Faker object is created: sampling is ours, from the lists, so it is fast and seeded)."""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from typing import Final

from faker.providers.address.en_US import Provider as AddressData
from faker.providers.internet.en_US import Provider as InternetData
from faker.providers.person.en_US import Provider as PersonData
from nicknames import NickNamer

from synthetic.rng import Weighted

FIRST_NAMES: Final = {
    "M": Weighted(list(PersonData.first_names_male), list(PersonData.first_names_male.values())),
    "F": Weighted(list(PersonData.first_names_female), list(PersonData.first_names_female.values())),
}
LAST_NAMES: Final = Weighted(list(PersonData.last_names), list(PersonData.last_names.values()))


def _by_initial(names: list[str]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = defaultdict(list)
    for name in names:
        grouped[name[0]].append(name)
    return dict(grouped)


# For twins' similar first names: names of the same sex sharing the first letter.
FIRST_BY_INITIAL: Final = {sex: _by_initial(w.items) for sex, w in FIRST_NAMES.items()}

# A cluster of very common full names (first, last, sex) given to many different people.
COMMON_NAMES: Final = (
    ("Maria", "Garcia", "F"),
    ("James", "Smith", "M"),
    ("Michael", "Johnson", "M"),
    ("Maria", "Rodriguez", "F"),
    ("Robert", "Smith", "M"),
    ("Jennifer", "Williams", "F"),
    ("David", "Brown", "M"),
    ("Mary", "Jones", "F"),
    ("John", "Smith", "M"),
    ("Jose", "Hernandez", "M"),
)

# Real streets are mostly Street, Avenue, Road, Drive...; the long tail comes from Faker.
_COMMON_SUFFIXES: Final = {
    "Street": 30.0,
    "Avenue": 18.0,
    "Road": 12.0,
    "Drive": 12.0,
    "Lane": 8.0,
    "Court": 6.0,
    "Place": 4.0,
    "Way": 4.0,
    "Boulevard": 3.0,
    "Circle": 3.0,
}
_ALL_SUFFIXES: Final = list(dict.fromkeys(AddressData.street_suffixes))
STREET_SUFFIXES: Final = Weighted(_ALL_SUFFIXES, [_COMMON_SUFFIXES.get(s, 0.2) for s in _ALL_SUFFIXES])
SUFFIX_ABBREVIATIONS: Final = {
    "Street": "St",
    "Avenue": "Ave",
    "Road": "Rd",
    "Drive": "Dr",
    "Lane": "Ln",
    "Court": "Ct",
    "Place": "Pl",
    "Way": "Way",
    "Boulevard": "Blvd",
    "Circle": "Cir",
    "Parkway": "Pkwy",
    "Highway": "Hwy",
    "Terrace": "Ter",
    "Trail": "Trl",
    "Square": "Sq",
    "Heights": "Hts",
    "Mountain": "Mtn",
    "Crossing": "Xing",
    "Expressway": "Expy",
    "Junction": "Jct",
}
DIRECTIONS: Final = {"N": "North", "S": "South", "E": "East", "W": "West"}
UNIT_KINDS: Final = Weighted(["Apt", "Unit", "#", "Ste"], [70.0, 18.0, 10.0, 2.0])

EMAIL_DOMAINS: Final = Weighted(
    [*InternetData.free_email_domains, "outlook.com", "icloud.com", "aol.com", "comcast.net"],
    [*([20.0] * len(InternetData.free_email_domains)), 8.0, 6.0, 3.0, 2.0],
)

CITY_PREFIXES: Final = list(AddressData.city_prefixes)
CITY_SUFFIXES: Final = list(AddressData.city_suffixes)
STATE_ZIP_RANGES: Final = dict(AddressData.states_postcode)


@cache
def nicknames_of(first_name: str) -> Weighted[str] | None:
    """Nicknames of a first name (from the ``nicknames`` package, sorted, title case), weighted
    towards those keeping the first letter (Rob, Robby more often than Bob); None if none."""
    found = sorted(n for n in _NICKNAMER.nicknames_of(first_name) if len(n) >= 2 and n != first_name.lower())
    names = [n.title() for n in found]
    return Weighted(names, [3.0 if n[0] == first_name[0] else 1.0 for n in names]) if names else None


_NICKNAMER: Final = NickNamer()
