"""The audit use cases, as plain functions for the CLI and (later) an operators-only `/audit` API.

Each takes the graph store and, where signatures are involved, the ``AuditKeys``; none
knows about HTTP or the console.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from audit.checkpointing import checkpoint_if_due, create_checkpoint
from audit.domain.chain import VerificationReport
from audit.domain.checkpoints import Checkpoint
from audit.domain.packets import Packet
from audit.evidence import member_packet
from audit.evidence_proof import write_packet
from audit.keys import AuditKeys
from audit.search import Criteria, SearchPage, search
from audit.transfer_evidence import transfer_packet
from audit.verification import PAGE_SIZE, Progress, verify_ledger
from exchange.member_match.queries import decision
from graph.stewardship import link_history
from graph.store import GraphStore

__all__ = ["Criteria", "SearchPage", "checkpoint_if_due"]


def verify(
    store: GraphStore, keys: AuditKeys, *, page_size: int = PAGE_SIZE, progress: Progress | None = None
) -> VerificationReport:
    """The whole chain and every checkpoint, verified; ``report.ok`` false names the first bad seq."""
    return verify_ledger(store, keys.trusted(), page_size, progress)


def search_events(store: GraphStore, criteria: Criteria, *, after: int = 0, limit: int = 100) -> SearchPage:
    return search(store, criteria, after=after, limit=limit)


def checkpoint(store: GraphStore, keys: AuditKeys) -> tuple[Checkpoint, bool]:
    """Sign the chain head now (the key is created on first use); returns it and whether it is new."""
    return create_checkpoint(store, keys)


def public_key_pem(keys: AuditKeys) -> str:
    """The public key checkpoints are signed with, as PEM (to publish)."""
    return keys.public_pem()


def member_evidence(store: GraphStore, keys: AuditKeys, member_key: str) -> Packet | None:
    """The member's packet, or None when no member holds the key and no event concerns it."""
    return member_packet(store, keys.trusted(), member_key, lambda link_id: link_history(store, link_id))


def write_member_evidence(
    store: GraphStore, keys: AuditKeys, member_key: str, out_dir: Path
) -> tuple[Packet, Path, Path] | None:
    packet = member_evidence(store, keys, member_key)
    if packet is None:
        return None
    json_path, html_path = write_packet(packet, out_dir)
    return packet, json_path, html_path


def _transfer(store: GraphStore, transfer_id: str) -> dict[str, Any] | None:
    rows = store.read("transfers/transfer", {"transfer_id": transfer_id})
    return dict(rows[0]["transfer"]) if rows else None


def transfer_evidence(
    store: GraphStore, keys: AuditKeys, *, transfer_id: str | None = None, correlation_id: str | None = None
) -> Packet | None:
    """The evidence packet of a transfer or a correlation id; None when nothing is known of it."""
    return transfer_packet(
        store, keys.trusted(), transfer_id=transfer_id, correlation_id=correlation_id,
        transfer_of=lambda i: _transfer(store, i), decision_of=lambda i: decision(store, i),
    )  # fmt: skip
