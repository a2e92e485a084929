"""What an event's ``details`` may hold: machine facts, never PHI.

The rule: ``details`` is a small map whose keys come from the closed vocabulary
``DETAIL_KEYS`` below, and each key says what kind of value it takes:

- ``COUNT``: a whole number >= 0 (records loaded, links moved);
- ``FLAG``: true or false;
- ``CODE``: an UPPER_SNAKE code (an error class): capital letters and underscores only, at
  most 64 characters (no digits, so no identifier fits);
- ``LINK_STATE``: one of the link lifecycle states, upper-case (CANDIDATE ... RETIRED);
- ``VERSION``: a system-generated version or run label (a model version hash): a hex digest,
  or lower-case letters, digits, ``.``, ``-`` and ``_`` with at least one digit (so no plain
  word), at most 64 characters, never a date with separators.

So free text (a steward's reason, an error message), names, dates, addresses and member or
record identifiers have no place to go: a value with a space, a lower-case name, a date or
an unknown key is refused when the event is built. Identifiers the ledger needs (member
keys, link, case, transfer and correlation ids) are first-class fields of the event, where
they are indexed and described, not hidden in ``details``. Adding a key means adding it
here, where a reviewer sees it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Any


class DetailKind(StrEnum):
    COUNT = "count"
    FLAG = "flag"
    CODE = "code"
    LINK_STATE = "link_state"
    VERSION = "version"


DETAIL_KEYS: dict[str, DetailKind] = {
    # graph loads
    "model_version": DetailKind.VERSION,
    "records": DetailKind.COUNT,
    "links_created": DetailKind.COUNT,
    "transitions": DetailKind.COUNT,
    "kept": DetailKind.COUNT,
    "members": DetailKind.COUNT,
    "members_changed": DetailKind.COUNT,
    # link transitions and steward actions
    "from_state": DetailKind.LINK_STATE,
    "to_state": DetailKind.LINK_STATE,
    "links_moved": DetailKind.COUNT,
    "records_moved": DetailKind.COUNT,
    "members_after": DetailKind.COUNT,
    "error_class": DetailKind.CODE,
    # $member-match decisions
    "candidates": DetailKind.COUNT,
    "match_outcome": DetailKind.CODE,
    "consent_policy": DetailKind.CODE,
    # member data released ($everything) and ingested
    "resources": DetailKind.COUNT,
    "resources_patient": DetailKind.COUNT,
    "resources_coverage": DetailKind.COUNT,
    "resources_explanation_of_benefit": DetailKind.COUNT,
    "resources_encounter": DetailKind.COUNT,
    "resources_condition": DetailKind.COUNT,
    "resources_observation": DetailKind.COUNT,
    "resources_procedure": DetailKind.COUNT,
    "resources_medication_dispense": DetailKind.COUNT,
    "answered_within_one_business_day": DetailKind.FLAG,
    "files": DetailKind.COUNT,
    "bytes": DetailKind.COUNT,
    # transfers: business state moves and delivery attempts
    "from_transfer_state": DetailKind.CODE,
    "to_transfer_state": DetailKind.CODE,
    "owner": DetailKind.CODE,
    "step": DetailKind.CODE,
    "attempt": DetailKind.COUNT,
    "status_code": DetailKind.COUNT,
    "latency_ms": DetailKind.COUNT,
    "replayed": DetailKind.FLAG,
    "request_late": DetailKind.FLAG,
    "severity": DetailKind.CODE,  # an alert's: WARNING, CRITICAL
    # bulk exchange ($bulk-member-match, $davinci-data-export)
    "members_matched": DetailKind.COUNT,
    "members_no_match": DetailKind.COUNT,
    "members_consent_constrained": DetailKind.COUNT,
    "members_refused": DetailKind.COUNT,
}

MAX_DETAILS = 16
CODE_RE = re.compile(r"^[A-Z][A-Z_]{0,63}$")
LINK_STATES = frozenset({"CANDIDATE", "CONFIRMED", "DISPUTED", "SUPERSEDED", "RETIRED"})
VERSION_RE = re.compile(r"^(?:[0-9a-f]{8,64}|(?=[a-z0-9._-]*\d)[a-z0-9][a-z0-9._-]{0,63})$")
DATE_LIKE_RE = re.compile(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}")


class DetailError(ValueError):
    """A details entry that the vocabulary does not allow."""


def check_details(details: Mapping[str, Any]) -> dict[str, int | bool | str]:
    """The details, validated against ``DETAIL_KEYS``; raises ``DetailError`` naming the bad entry."""
    if len(details) > MAX_DETAILS:
        raise DetailError(f"details hold at most {MAX_DETAILS} entries")
    checked: dict[str, int | bool | str] = {}
    for key, value in details.items():
        kind = DETAIL_KEYS.get(key)
        if kind is None:
            raise DetailError(f"details key {key!r} is not in the audit vocabulary (audit/domain/details.py)")
        checked[key] = _checked_value(key, kind, value)
    return checked


def _checked_value(key: str, kind: DetailKind, value: Any) -> int | bool | str:
    if kind is DetailKind.FLAG and isinstance(value, bool):
        return value
    if kind is DetailKind.COUNT and isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if kind is DetailKind.CODE and isinstance(value, str) and CODE_RE.match(value):
        return value
    if kind is DetailKind.LINK_STATE and isinstance(value, str) and value in LINK_STATES:
        return value
    if (
        kind is DetailKind.VERSION
        and isinstance(value, str)
        and VERSION_RE.match(value)
        and not DATE_LIKE_RE.search(value)
    ):
        return value
    raise DetailError(f"details {key!r} takes a {kind.value}, not {type(value).__name__}")
