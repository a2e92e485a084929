"""The ``$member-match`` request the new payer would send for a generated payer switch:
the member as the new payer knows them, the card of the old coverage (its member id may be
mistyped, as the generator planted), the new coverage and the member's consent."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import date
from typing import Any

from exchange.member_match.outbound import Card, Grant, member_match_parameters

NPI = "http://hl7.org/fhir/sid/us-npi"
DEMOGRAPHICS = (
    "first_name", "middle_name", "last_name", "suffix", "dob", "sex", "address_line1", "address_line2", "city",
    "state", "zip", "phone", "email",
)  # fmt: skip


def payer_identifier(payer_id: str) -> tuple[str, str]:
    """A stable ten-digit NPI-like identifier for a generated payer."""
    digits = int(hashlib.sha256(payer_id.encode()).hexdigest(), 16) % 10**9
    return NPI, f"1{digits:09d}"


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def switch_request(switch: Mapping[str, Any], with_consent: bool = True) -> dict[str, Any]:
    old, new = payer_identifier(switch["old_payer_id"]), payer_identifier(switch["new_payer_id"])
    demographics = {c: (switch.get(f"new_{c}") or None) for c in DEMOGRAPHICS}
    previous = Card(
        payer=old,
        member_id=switch.get("old_member_id") or None,
        subscriber_id=switch.get("old_subscriber_id") or None,
        group=switch.get("old_group_id") or None,
        plan=switch.get("old_plan_name") or None,
        start=_day(switch.get("old_coverage_start")),
        end=_day(switch.get("old_coverage_end")),
    )
    ours = Card(payer=new, member_id=switch.get("new_member_id") or None, start=_day(switch.get("new_coverage_start")))
    grant = None
    if with_consent and switch.get("consent_opt_in"):
        start, end = _day(switch.get("consent_start")), _day(switch.get("consent_end"))
        if start and end:
            grant = Grant(switch.get("consent_policy") == "sensitive", start, end, source=old, recipient=new)
    return member_match_parameters(demographics, previous, ours, grant)


def transfer_request(switch: Mapping[str, Any], member_key: str) -> dict[str, Any] | None:
    """The ``POST /transfers`` body the new payer's enrollment system sends for a generated
    switch (``member_key``: the new payer's member of ``new_record_id``); None without opt-in."""
    start, end = _day(switch.get("consent_start")), _day(switch.get("consent_end"))
    if not switch.get("consent_opt_in") or start is None or end is None:
        return None
    previous = {
        "member_id": switch.get("old_member_id") or None, "subscriber_id": switch.get("old_subscriber_id") or None,
        "group": switch.get("old_group_id") or None, "plan": switch.get("old_plan_name") or None,
        "start": _iso(switch.get("old_coverage_start")), "end": _iso(switch.get("old_coverage_end")),
    }  # fmt: skip
    return {
        "member_key": member_key,
        "previous_payer": switch["old_payer_id"],
        "previous_coverage": {k: v for k, v in previous.items() if v},
        "new_coverage": {"member_id": switch["new_member_id"], "start": _iso(switch["new_coverage_start"])},
        "consent": {"policy": "sensitive" if switch.get("consent_policy") == "sensitive" else "regular",
                    "start": start.isoformat(), "end": end.isoformat()},
        "source_request_id": switch["switch_id"],
    }  # fmt: skip


def _iso(value: Any) -> str | None:
    day = _day(value)
    return day.isoformat() if day else None
