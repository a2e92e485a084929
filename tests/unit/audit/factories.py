"""Events built in memory, as the ledger would seal them (no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from audit.domain.canonical import GENESIS_HASH, event_hash
from audit.domain.events import AuditEvent, EventDraft, Outcome, seal

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def draft(**changes: Any) -> EventDraft:
    fields: dict[str, Any] = {
        "actor": "steward:ana", "action": "link.confirm", "resource_type": "Link", "resource_id": "L1",
        "outcome": Outcome.SUCCESS, "reason_code": "LINK_CONFIRMED", "correlation_id": "corr-1",
        "member_keys": ("M-1",), "details": {"from_state": "CANDIDATE", "to_state": "CONFIRMED"},
    }  # fmt: skip
    return EventDraft(**{**fields, **changes})


def chain(n: int) -> list[AuditEvent]:
    events: list[AuditEvent] = []
    for seq in range(1, n + 1):
        prev = events[-1].hash if events else GENESIS_HASH
        events.append(
            seal(
                draft(resource_id=f"L{seq}"),
                seq=seq,
                event_id=f"ev{seq}",
                occurred_at=T0 + timedelta(seconds=seq),
                prev_hash=prev,
            )
        )
    return events


def stored(events: list[AuditEvent]) -> list[dict[str, Any]]:
    """As the database returns them: details as JSON text, the member index beside them."""
    return [{**e.stored(), "indexed_member_keys": list(e.member_keys)} for e in events]


def rehash(event: dict[str, Any]) -> dict[str, Any]:
    """What a tamperer who knows the algorithm does after editing an event."""
    from audit.domain.chain import stored_fields

    return {**event, "hash": event_hash(stored_fields(event))}
