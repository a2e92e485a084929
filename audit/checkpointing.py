"""Signed checkpoints of the chain head: on demand (`p2p audit checkpoint`) or when due."""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta

from audit import clock
from audit.domain.checkpoints import Checkpoint, sign_head
from audit.domain.events import format_time
from audit.errors import AuditError
from audit.keys import AuditKeys
from graph.store import GraphStore


def _checkpoint(row: dict[str, object]) -> Checkpoint:
    return Checkpoint(**row)  # type: ignore[arg-type]


def last_checkpoint(store: GraphStore) -> Checkpoint | None:
    rows = store.read("audit/last_checkpoint")
    return _checkpoint(rows[0]["checkpoint"]) if rows else None


def create_checkpoint(store: GraphStore, keys: AuditKeys) -> tuple[Checkpoint, bool]:
    """Sign the current head and store it. Returns the checkpoint and whether it is new (the
    head may already have one: checkpointing twice without new events keeps the first)."""
    head = store.read("audit/head")[0]
    if int(head["seq"]) == 0:
        raise AuditError("the audit ledger is empty: there is no head to checkpoint yet")
    signed = sign_head(keys.signing_key(), int(head["seq"]), str(head["hash"]), format_time(clock.now()))
    saved = _checkpoint(store.write("audit/save_checkpoint", {"checkpoint": asdict(signed)})[0]["checkpoint"])
    return saved, saved == signed


def checkpoint_if_due(
    store: GraphStore, keys: AuditKeys, interval_s: float, every_events: int | None = None
) -> Checkpoint | None:
    """For the service to call periodically: sign the head if it moved since the last
    checkpoint and that one is at least ``interval_s`` old, or ``every_events`` events behind
    the head (which bounds the stretch an evidence proof verifies). Returns the new checkpoint, if any."""
    head_seq = int(store.read("audit/head")[0]["seq"])
    last = last_checkpoint(store)
    if head_seq == 0 or (last is not None and last.seq >= head_seq):
        return None
    behind = head_seq - (last.seq if last else 0)
    old_enough = last is None or format_time(clock.now() - timedelta(seconds=interval_s)) >= last.at
    if not old_enough and (every_events is None or behind < every_events):
        return None
    checkpoint, _ = create_checkpoint(store, keys)
    return checkpoint
