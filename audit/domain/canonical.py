"""The canonical JSON form an event's hash is computed over, and the hashes themselves.

Canonical form: a JSON object of exactly ``HASHED_FIELDS`` (no more, no fewer), keys
sorted, no insignificant white space, UTF-8 (non-ASCII kept as is), no floats anywhere
(details hold integers, booleans and codes only). Every field is hashed, including the
sequence number and the previous event's hash, so moving, editing or re-linking an event
changes its hash.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

FORMAT = 1  # version of the canonical form; stored with each event
GENESIS_HASH = "0" * 64  # prev_hash of the first event

HASHED_FIELDS = (
    "format",
    "seq",
    "event_id",
    "occurred_at",
    "actor",
    "actor_role",
    "actor_client_id",
    "action",
    "resource_type",
    "resource_id",
    "outcome",
    "reason_code",
    "correlation_id",
    "member_keys",
    "partner_id",
    "case_id",
    "transfer_id",
    "request_sha256",
    "response_sha256",
    "details",
    "prev_hash",
)


def canonical_json(value: Any) -> bytes:
    """Sorted keys, no white space, UTF-8; floats are refused (their text is not canonical)."""
    _refuse_floats(value)
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def _refuse_floats(value: Any) -> None:
    pending = [value]
    while pending:
        item = pending.pop()
        if type(item) is float:
            raise ValueError("floats have no canonical form; use integers or codes")
        if isinstance(item, Mapping):
            pending.extend(v for v in item.values() if type(v) not in (str, int, bool) and v is not None)
        elif isinstance(item, list | tuple):
            pending.extend(v for v in item if type(v) not in (str, int, bool) and v is not None)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def hashed_form(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Exactly the hashed fields of an event (a missing one counts as null)."""
    return {name: fields.get(name) for name in HASHED_FIELDS}


def event_hash(fields: Mapping[str, Any]) -> str:
    """sha256 (hex) of the canonical JSON of the event's hashed fields."""
    return sha256_hex(canonical_json(hashed_form(fields)))
