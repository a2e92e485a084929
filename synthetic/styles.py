"""Each source system writes values its own way (upper case, "St." or "Street", where the
apartment goes, phone format, SSN kept in full or last four...). One in six records departs
from its system's habit, as when another clerk or an interface keyed it."""

from __future__ import annotations

import random
from dataclasses import dataclass

from synthetic.corruption import PHONE_FORMATS, format_phone
from synthetic.places import Address
from synthetic.rng import chance
from synthetic.vocab import DIRECTIONS, SUFFIX_ABBREVIATIONS


@dataclass(frozen=True)
class SourceStyle:
    upper: float  # share of records in upper case
    suffix_form: str  # "abbr" (St), "dot" (St.) or "full" (Street)
    unit_in_line1: float  # share of records with the apartment on line 1
    phone_format: str
    mobile: float  # share of records carrying the person's mobile rather than the home phone
    zip4: float  # share of records with ZIP+4
    ssn: str  # "full", "last4" or "mixed"
    ssn_kept: float  # share of records with an SSN at all
    middle: str  # "full", "initial" or "none"
    name_suffix: str  # "column", "in_last" (Smith Jr) or "drop"
    email: bool  # whether the system keeps e-mail addresses
    email_mixed_case: float


def draw_style(rng: random.Random) -> SourceStyle:
    return SourceStyle(
        upper=rng.choice((0.02, 0.1, 0.9, 0.98)),
        suffix_form=rng.choice(("abbr", "dot", "full")),
        unit_in_line1=rng.choice((0.1, 0.5, 0.9)),
        phone_format=rng.choice(PHONE_FORMATS),
        mobile=rng.uniform(0.2, 0.7),
        zip4=rng.choice((0.0, 0.2, 0.6)),
        ssn=rng.choice(("full", "last4", "mixed")),
        ssn_kept=rng.uniform(0.6, 0.98),
        middle=rng.choice(("full", "initial", "none")),
        name_suffix=rng.choice(("column", "in_last", "drop")),
        email=chance(rng, 0.8),
        email_mixed_case=rng.uniform(0.0, 0.3),
    )


def _street_suffix(suffix: str, form: str) -> str:
    short = SUFFIX_ABBREVIATIONS.get(suffix)
    if not short or form == "full":
        return suffix
    return f"{short}." if form == "dot" and short != suffix else short


def address_lines(rng: random.Random, address: Address, style: SourceStyle, street: str) -> tuple[str, str]:
    """Line 1 and line 2 as this system writes them; ``street`` may carry a typo."""
    habitual = not chance(rng, 1 / 6)
    form = style.suffix_form if habitual else rng.choice(("abbr", "dot", "full"))
    predir = address.predir
    if predir and form == "full":
        predir = DIRECTIONS[predir]
    elif predir and form == "dot":
        predir += "."
    line1 = " ".join(p for p in (address.number, predir, street, _street_suffix(address.suffix, form)) if p)
    if not address.unit:
        return line1, ""
    kind = address.unit_kind
    unit = (
        f"#{address.unit}" if kind == "#" else f"{kind}{'.' if form == 'dot' and kind == 'Apt' else ''} {address.unit}"
    )
    if chance(rng, style.unit_in_line1):
        return f"{line1}{', ' if chance(rng, 0.3) else ' '}{unit}", ""
    return line1, unit


def phone(rng: random.Random, digits: str, style: SourceStyle) -> str:
    pattern = style.phone_format if not chance(rng, 1 / 6) else rng.choice(PHONE_FORMATS)
    return format_phone(digits, pattern)


def zip_code(rng: random.Random, address: Address, style: SourceStyle) -> str:
    return f"{address.zip5}-{address.plus4}" if chance(rng, style.zip4) else address.zip5


def ssn(rng: random.Random, value: str, style: SourceStyle) -> str:
    if not value or not chance(rng, style.ssn_kept):
        return ""
    full = style.ssn == "full" or (style.ssn == "mixed" and chance(rng, 0.5))
    return value if full else value[-4:]


def middle(rng: random.Random, value: str, style: SourceStyle) -> str:
    form = style.middle if not chance(rng, 1 / 6) else rng.choice(("full", "initial", "none"))
    if not value or form == "none":
        return ""
    if form == "initial":
        return value[0] + ("." if chance(rng, 0.3) else "")
    return value


def name_suffix(rng: random.Random, suffix: str, last: str, style: SourceStyle) -> tuple[str, str]:
    """(last name, suffix column) for a person whose true suffix is ``suffix``."""
    if not suffix or style.name_suffix == "drop":
        return last, ""
    shown = rng.choice((suffix, f"{suffix}.", suffix.upper()))
    if style.name_suffix == "in_last":
        return f"{last} {shown}", ""
    return last, shown


def email(rng: random.Random, value: str, style: SourceStyle) -> str:
    if not value or not style.email:
        return ""
    if chance(rng, style.email_mixed_case):
        user, domain = value.split("@", 1)
        return f"{'.'.join(part.capitalize() for part in user.split('.'))}@{domain.capitalize()}"
    return value
