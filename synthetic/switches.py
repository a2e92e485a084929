"""The payer-switch list: one row per person who moved from an old payer to a new one, with
what a ``$member-match`` request carries (old coverage as on the member's card, the new
payer's demographics, which may differ from the old payer's) and the member's consent."""

from __future__ import annotations

import random
from typing import Final

import pyarrow as pa

from synthetic.config import GeneratorConfig, payer_id
from synthetic.enrollment import Enrollment
from synthetic.member_ids import mistype
from synthetic.people import person_id
from synthetic.records import Records
from synthetic.rng import chance
from synthetic.writer import dates, strings

CONSENT_BASE: Final = "http://hl7.org/fhir/us/davinci-hrex/StructureDefinition-hrex-consent.html"
_DEMOGRAPHICS: Final = ("first_name", "middle_name", "last_name", "suffix", "dob", "sex", "address_line1",
                        "address_line2", "city", "state", "zip", "phone", "email")  # fmt: skip
_TEXT: Final = ("switch_id", "person_id", "old_payer_id", "new_payer_id", "old_record_id", "new_record_id",
                "old_member_id", "old_subscriber_id", "old_group_id", "old_plan_name", "new_member_id",
                "new_subscriber_id", *(f"new_{name}" for name in _DEMOGRAPHICS))  # fmt: skip
_DATES: Final = (
    "switch_date",
    "new_coverage_start",
    "old_coverage_start",
    "old_coverage_end",
    "consent_start",
    "consent_end",
)


def build_switches(cfg: GeneratorConfig, rng: random.Random, enrollment: Enrollment, records: Records) -> pa.Table:
    text: dict[str, list[str]] = {name: [] for name in _TEXT}
    days: dict[str, list[int]] = {name: [] for name in _DATES}
    flags: dict[str, list[bool]] = {"old_member_id_mistyped": [], "consent_opt_in": []}
    policies: dict[str, list[str | None]] = {"consent_policy": [], "consent_policy_uri": []}
    ids, today = records.rows["record_id"], cfg.as_of.toordinal()
    for ep in enrollment.episodes:
        if ep.prev < 0:
            continue
        old_ep = enrollment.episodes[ep.prev]
        old_by_person = {enrollment.memberships[i].person: i for i in old_ep.members}
        for new_index in ep.members:
            new = enrollment.memberships[new_index]
            old_index = old_by_person.get(new.person)
            if old_index is None:
                continue  # born after the switch: nothing to fetch
            old = enrollment.memberships[old_index]
            new_row = records.primary[new_index]
            mistyped = chance(rng, cfg.member_id_typo_share)
            row: dict[str, str] = {
                "switch_id": f"SW-{len(text['switch_id']) + 1:07d}",
                "person_id": person_id(new.person),
                "old_payer_id": payer_id(old_ep.payer),
                "new_payer_id": payer_id(ep.payer),
                "old_record_id": ids[records.primary[old_index]],
                "new_record_id": ids[new_row],
                "old_member_id": mistype(rng, old.member_id) if mistyped else old.member_id,
                "old_subscriber_id": old.subscriber_id,
                "old_group_id": old_ep.group_id,
                "old_plan_name": old_ep.plan,
                "new_member_id": new.member_id,
                "new_subscriber_id": new.subscriber_id,
            }
            for name in _DEMOGRAPHICS:
                row[f"new_{name}"] = records.rows[name][new_row]
            for name in _TEXT:
                text[name].append(row[name])
            opted_in = chance(rng, cfg.opt_in_share)
            consent_start = min(new.start + rng.randint(0, 45), today)
            sensitive = chance(rng, cfg.sensitive_consent_share)
            flags["old_member_id_mistyped"].append(mistyped)
            flags["consent_opt_in"].append(opted_in)
            policies["consent_policy"].append(("sensitive" if sensitive else "regular") if opted_in else None)
            policies["consent_policy_uri"].append(
                f"{CONSENT_BASE}#{policies['consent_policy'][-1]}" if opted_in else None
            )
            for name, value in (
                ("switch_date", ep.start),
                ("new_coverage_start", new.start),
                ("old_coverage_start", old.start),
                ("old_coverage_end", old.end),
                ("consent_start", consent_start if opted_in else 0),
                ("consent_end", consent_start + 365 * rng.choice((1, 2, 5)) if opted_in else 0),
            ):
                days[name].append(value)
    columns: dict[str, pa.Array] = {name: strings(values) for name, values in text.items()}
    columns.update({name: dates(values) for name, values in days.items()})
    columns.update({name: pa.array(values, pa.bool_()) for name, values in flags.items()})
    columns.update({name: pa.array(values, pa.string()) for name, values in policies.items()})
    order = ["switch_id", "person_id", "old_payer_id", "new_payer_id", "old_record_id", "new_record_id", "switch_date",
             "new_coverage_start", "old_member_id", "old_member_id_mistyped", "old_subscriber_id", "old_coverage_start",
             "old_coverage_end", "old_group_id", "old_plan_name", "new_member_id", "new_subscriber_id",
             *(f"new_{name}" for name in _DEMOGRAPHICS), "consent_opt_in", "consent_policy", "consent_policy_uri",
             "consent_start", "consent_end"]  # fmt: skip
    return pa.table([columns[name] for name in order], names=order)


def switching_persons(enrollment: Enrollment) -> set[int]:
    """Persons with at least one switch (covered by both the old and the new enrollment)."""
    found: set[int] = set()
    for ep in enrollment.episodes:
        if ep.prev >= 0:
            before = {enrollment.memberships[i].person for i in enrollment.episodes[ep.prev].members}
            found.update(p for p in (enrollment.memberships[i].person for i in ep.members) if p in before)
    return found
