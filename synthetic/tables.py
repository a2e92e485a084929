"""The analysis tables: each payer's canonical records, the truth behind every record
(person and hard-case tags) and the persons themselves."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Final

import pyarrow as pa
import pyarrow.compute as pc

from matching.canonical.schema import CANONICAL_COLUMNS
from synthetic.enrollment import Enrollment
from synthetic.people import Population, family_id, person_id
from synthetic.records import RECORD_TAGS, Records
from synthetic.writer import dates, strings

TRUTH_TAGS: Final = ("is_twin", "in_family", "common_name", "name_changed", "moved", "nickname_used", "typo",
                     "dob_transposed", "missing_fields", "member_id_mistyped", "member_id_recycled",
                     "within_payer_duplicate")  # fmt: skip


def payer_tables(records: Records, payer_ids: list[str]) -> dict[str, pa.Table]:
    """Canonical records of each payer (all its source systems), sorted by record id."""
    table = pa.table({name: strings(records.rows[name]) for name in CANONICAL_COLUMNS})
    out: dict[str, pa.Table] = {}
    for payer in payer_ids:
        out[payer] = table.filter(pc.equal(table["payer_id"], payer)).sort_by("record_id")
    return out


def _common_people(pop: Population) -> list[bool]:
    """The very common names, and any full name carried by three persons or more."""
    names = Counter(zip(pop.first, pop.last, strict=True))
    return [c or names[(f, la)] >= 3 for c, f, la in zip(pop.common, pop.first, pop.last, strict=True)]


def truth_table(pop: Population, enrollment: Enrollment, records: Records) -> pa.Table:
    memberships, episodes = enrollment.memberships, enrollment.episodes
    holders: dict[tuple[int, str], set[int]] = defaultdict(set)
    for m in memberships:
        holders[(episodes[m.episode].payer, m.member_id)].add(m.person)
    recycled = [len(holders[(episodes[m.episode].payer, m.member_id)]) > 1 for m in memberships]
    per_payer = Counter(zip(records.payer, records.person, strict=True))
    common = _common_people(pop)
    person = records.person
    tags: dict[str, list[bool]] = {
        "is_twin": [pop.twin_of[p] >= 0 for p in person],
        "in_family": [pop.hh_size[pop.family[p]] > 1 for p in person],
        "common_name": [common[p] for p in person],
        **{name: records.tags[name] for name in RECORD_TAGS},
        "member_id_recycled": [recycled[m] for m in records.membership],
        "within_payer_duplicate": [per_payer[key] > 1 for key in zip(records.payer, person, strict=True)],
    }
    table = pa.table(
        {
            "record_id": strings(records.rows["record_id"]),
            "person_id": strings([person_id(p) for p in person]),
            "payer_id": strings(records.rows["payer_id"]),
            "source_system": strings(records.rows["source_system"]),
            **{name: pa.array(tags[name], pa.bool_()) for name in TRUTH_TAGS},
        }
    )
    return table.sort_by("record_id")


def persons_table(pop: Population) -> pa.Table:
    n = len(pop)
    return pa.table(
        {
            "person_id": strings([person_id(i) for i in range(n)]),
            "family_id": strings([family_id(h) for h in pop.family]),
            "family_role": strings(pop.role),
            "twin_of": pa.array([person_id(t) if t >= 0 else None for t in pop.twin_of], pa.string()),
            "first_name": strings(pop.first),
            "middle_name": strings(pop.middle),
            "last_name": strings(pop.last),
            "maiden_name": strings(pop.maiden),
            "suffix": strings(pop.suffix),
            "nickname": strings(pop.nickname),
            "dob": dates(pop.dob),
            "sex": strings(pop.sex),
        }
    )
