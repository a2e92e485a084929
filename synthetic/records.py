"""Source records: each membership written by its payer's source system (and sometimes a
second time by another system of the same payer), as messy as real extracts, with the
record-level truth tags of what went wrong."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from matching.canonical.schema import CANONICAL_COLUMNS
from synthetic import styles
from synthetic.config import GeneratorConfig, payer_id, payer_letter
from synthetic.corruption import transposed_dob, typo
from synthetic.enrollment import Enrollment, Membership
from synthetic.member_ids import mistype
from synthetic.people import Population
from synthetic.rng import Weighted, chance

RECORD_TAGS = (
    "name_changed",
    "moved",
    "nickname_used",
    "typo",
    "dob_transposed",
    "missing_fields",
    "member_id_mistyped",
)
_TYPO_FIELDS = Weighted(["first_name", "last_name", "street", "city"], [0.3, 0.35, 0.22, 0.13])
_DROPPABLE = Weighted(["phone", "email", "ssn", "middle_name", "address", "sex", "dob"], [3, 3, 3, 2, 1, 1, 0.5])
_UPPER_FIELDS = ("first_name", "middle_name", "last_name", "suffix", "address_line1", "address_line2", "city")


@dataclass
class Records:
    rows: dict[str, list[str]] = field(default_factory=lambda: {c: [] for c in CANONICAL_COLUMNS})
    tags: dict[str, list[bool]] = field(default_factory=lambda: {t: [] for t in RECORD_TAGS})
    person: list[int] = field(default_factory=list)
    membership: list[int] = field(default_factory=list)
    payer: list[int] = field(default_factory=list)
    system: list[int] = field(default_factory=list)
    primary: list[int] = field(default_factory=list)  # per membership: its record in the enrolling system

    def __len__(self) -> int:
        return len(self.person)


def _iso(ordinal: int) -> str:
    return date.fromordinal(ordinal).isoformat() if ordinal else ""


class _Writer:
    def __init__(self, cfg: GeneratorConfig, rng: random.Random, pop: Population, enrollment: Enrollment) -> None:
        self.cfg, self.rng, self.pop, self.enrollment = cfg, rng, pop, enrollment
        self.today = cfg.as_of.toordinal()
        self.styles = [[styles.draw_style(rng) for _ in range(cfg.source_systems_per_payer)] for _ in range(cfg.payers)]
        self.out = Records()

    def before(self, m: Membership, event: int, primary: bool) -> bool:
        """Whether this record still shows the state before a life event on ``event``."""
        if not event or m.start >= event:
            return False
        if (m.end or self.today) < event:
            return True
        return not primary or chance(self.rng, 0.2)  # the enrolling system usually caught up

    def write(self, index: int, m: Membership, system: int, primary: bool) -> None:
        cfg, rng, pop = self.cfg, self.rng, self.pop
        ep = self.enrollment.episodes[m.episode]
        p, hh = m.person, pop.family[m.person]
        style = self.styles[ep.payer][system]
        move = self.enrollment.moves.get(hh)
        moved = move is not None and self.before(m, move[0], primary)
        address = move[1] if move is not None and moved else pop.hh_address[hh]
        name_changed = self.before(m, self.enrollment.marriages.get(p, 0), primary)
        nick = bool(pop.nickname[p]) and chance(rng, cfg.nickname_share)
        values = {
            "first_name": pop.nickname[p] if nick else pop.first[p],
            "last_name": pop.maiden[p] if name_changed else pop.last[p],
            "street": address.street,
            "city": address.city,
        }
        typed = chance(rng, cfg.typo_share)
        if typed:
            for name in _TYPO_FIELDS.many(rng, 1 if chance(rng, 0.85) else 2):
                values[name] = typo(rng, values[name])
        row = dict.fromkeys(CANONICAL_COLUMNS, "")
        row["record_id"] = f"{index}"  # numbered later
        row["payer_id"], row["source_system"] = payer_id(ep.payer), f"S{system + 1}"
        mistyped = chance(rng, cfg.member_id_typo_share * (1 if primary else 3))
        row["member_id"] = mistype(rng, m.member_id) if mistyped else m.member_id
        row["subscriber_id"], row["relationship"] = m.subscriber_id, m.relationship
        row["first_name"] = values["first_name"]
        row["middle_name"] = styles.middle(rng, pop.middle[p], style)
        row["last_name"], row["suffix"] = styles.name_suffix(rng, pop.suffix[p], values["last_name"], style)
        swapped = transposed_dob(pop.dob[p]) if chance(rng, cfg.dob_transposed_share) else ""
        row["dob"], row["sex"] = swapped or _iso(pop.dob[p]), pop.sex[p]
        row["address_line1"], row["address_line2"] = styles.address_lines(rng, address, style, values["street"])
        row["city"], row["state"], row["zip"] = values["city"], address.state, styles.zip_code(rng, address, style)
        mobile = pop.mobile[p] and chance(rng, style.mobile)
        row["phone"] = styles.phone(rng, pop.mobile[p] if mobile else pop.hh_phone[hh], style)
        row["email"], row["ssn"] = styles.email(rng, pop.email[p], style), styles.ssn(rng, pop.ssn[p], style)
        row["coverage_start"], row["coverage_end"] = _iso(m.start), _iso(m.end)
        missing = chance(rng, cfg.missing_share * (1 if primary else 1.5)) and self.drop(row)
        swapped = swapped if row["dob"] else ""  # a dropped DOB shows no swap
        if chance(rng, style.upper):
            for name in _UPPER_FIELDS:
                row[name] = row[name].upper()
        for name in CANONICAL_COLUMNS:
            self.out.rows[name].append(row[name])
        flags = (name_changed, moved, nick, typed, bool(swapped), missing, mistyped)
        for tag, flag in zip(RECORD_TAGS, flags, strict=True):
            self.out.tags[tag].append(flag)
        self.out.person.append(p)
        self.out.membership.append(index)
        self.out.payer.append(ep.payer)
        self.out.system.append(system)

    def drop(self, row: dict[str, str]) -> bool:
        """Empty one to three fields that had a value; False if nothing could be dropped."""
        dropped = False
        for name in _DROPPABLE.many(self.rng, self.rng.randint(1, 3)):
            fields = ("address_line1", "address_line2", "city", "zip") if name == "address" else (name,)
            if row[fields[0]]:
                dropped = True
                for f in fields:
                    row[f] = "U" if f == "sex" else ""
        return dropped


def build_records(cfg: GeneratorConfig, rng: random.Random, pop: Population, enrollment: Enrollment) -> Records:
    writer = _Writer(cfg, rng, pop, enrollment)
    systems = cfg.source_systems_per_payer
    for index, m in enumerate(enrollment.memberships):
        ep = enrollment.episodes[m.episode]
        writer.out.primary.append(len(writer.out))
        writer.write(index, m, ep.system, primary=True)
        if chance(rng, cfg.duplicate_share):
            other = (ep.system + rng.randint(1, systems - 1)) % systems if systems > 1 else ep.system
            writer.write(index, m, other, primary=False)
    _number(rng, writer.out, cfg.payers, systems)
    return writer.out


def _number(rng: random.Random, records: Records, payers: int, systems: int) -> None:
    """Record ids ``A-S1-0000123``: numbered in a shuffled order so ids reveal nothing."""
    groups: list[list[int]] = [[] for _ in range(payers * systems)]
    for i, (payer, system) in enumerate(zip(records.payer, records.system, strict=True)):
        groups[payer * systems + system].append(i)
    ids = records.rows["record_id"]
    for g, members in enumerate(groups):
        payer, system = divmod(g, systems)
        numbers = list(range(1, len(members) + 1))
        rng.shuffle(numbers)
        for i, n in zip(members, numbers, strict=True):
            ids[i] = f"{payer_letter(payer)}-S{system + 1}-{n:07d}"
