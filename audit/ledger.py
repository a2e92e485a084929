"""Appending to the audit ledger, inside the caller's own transaction.

``append(tx, draft)`` is the only way events are written. It must run inside the write
transaction that makes the change the event describes (``GraphStore.in_write_transaction``),
so both commit together or neither does. Appends serialise on the single ``AuditHead``
node: ``append`` first takes its write lock (a ``SET`` on it, held until the transaction
ends), then reads the head's seq and hash, so two transactions can never seal events on the
same head; the unique constraint on ``AuditEvent.seq`` is the backstop. Call it as the last
step of the transaction, to hold the lock as briefly as possible.

Nothing here (nor anywhere in the code) updates or deletes an event.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from audit import clock
from audit.domain.canonical import GENESIS_HASH
from audit.domain.events import AuditEvent, EventDraft, seal
from audit.errors import LedgerError
from graph.store import TxRunner


def _parse(stamp: str) -> datetime | None:
    return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC) if stamp else None


def _sealed(head: dict[str, object], drafts: Sequence[EventDraft]) -> list[AuditEvent]:
    last = _parse(str(head["last_at"]))
    moment = clock.now()
    at, prev, seq, events = max(moment, last) if last else moment, str(head["hash"]), int(str(head["seq"])), []
    for draft in drafts:  # never before the previous event
        seq += 1
        events.append(seal(draft, seq=seq, event_id=uuid.uuid4().hex, occurred_at=at, prev_hash=prev))
        prev = events[-1].hash
    return events


def append_many(tx: TxRunner, drafts: Sequence[EventDraft]) -> list[AuditEvent]:
    """Seal ``drafts`` as the next events of the chain in one write (a batch job's events:
    one lock, one round trip), in the transaction ``tx``."""
    if not drafts:
        return []
    head = tx.run("audit/lock_head", {"writer": uuid.uuid4().hex, "genesis": GENESIS_HASH})[0]
    events = _sealed(head, drafts)
    params = {"events": [e.stored() for e in events], "prev_seq": int(head["seq"]), "prev_hash": head["hash"]}
    if tx.run("audit/append_events", params)[0]["appended"] != len(events):
        raise LedgerError(f"the ledger head moved past seq {head['seq']} while locked; nothing was written")
    return events


def append(tx: TxRunner, draft: EventDraft) -> AuditEvent:
    """Seal ``draft`` as the next event of the chain, in the transaction ``tx``, and return it."""
    event_id = uuid.uuid4().hex
    head = tx.run("audit/lock_head", {"writer": event_id, "genesis": GENESIS_HASH})[0]  # lock, then read
    moment = clock.now()
    last = _parse(head["last_at"])
    event = seal(
        draft,
        seq=int(head["seq"]) + 1,
        event_id=event_id,
        occurred_at=max(moment, last) if last else moment,  # never before the previous event
        prev_hash=head["hash"],
    )
    if not tx.run("audit/append_event", {"event": event.stored(), "prev_seq": int(head["seq"])}):
        raise LedgerError(f"the ledger head moved past seq {head['seq']} while locked; nothing was written")
    return event
