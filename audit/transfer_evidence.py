"""Evidence packet for a transfer or a correlation id: timeline, identity decision with its
explanation and model version, consent checks, every attempt and retry, acknowledgments,
final disposition, and the proof that the listed events are in the verified chain.

Events are found with the indexed searches (transfer id, correlation id): a transfer's own
events and every event under its correlation id (the ``$member-match`` decision and the
data release carry the correlation id, not our transfer id), and for a correlation id the
events of every transfer it names. The transfer record and the match decisions come through
the two lookups the caller passes, so this module reads nothing but the ledger itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from audit import clock
from audit.domain import transfer_sections as sections
from audit.domain.events import format_time
from audit.domain.packets import Packet
from audit.evidence_proof import chain_proof, proven_packet
from audit.search import Criteria, all_events
from graph.store import GraphStore

Lookup = Callable[[str], dict[str, Any] | None]


def _union(*groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_seq = {int(e["seq"]): e for group in groups for e in group}
    return [by_seq[s] for s in sorted(by_seq)]


def _scope(
    store: GraphStore, transfer_id: str | None, correlation_id: str | None, transfer_of: Lookup
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """The events (chain order) and the transfer record (when this payer holds one)."""
    if transfer_id:
        transfer = transfer_of(transfer_id)
        own = all_events(store, [Criteria(transfer_id=transfer_id)])
        correlations = {str(e["correlation_id"]) for e in own} | ({transfer["correlation_id"]} if transfer else set())
        return _union(own, all_events(store, [Criteria(correlation_id=c) for c in sorted(correlations)])), transfer
    assert correlation_id is not None
    shared = all_events(store, [Criteria(correlation_id=correlation_id)])
    ids = sorted({str(e["transfer_id"]) for e in shared if e.get("transfer_id")})
    transfers = [t for t in (transfer_of(i) for i in ids) if t is not None]
    return _union(shared, all_events(store, [Criteria(transfer_id=i) for i in ids])), transfers[
        0
    ] if transfers else None


def transfer_packet(
    store: GraphStore,
    trusted: dict[str, Ed25519PublicKey],
    *,
    transfer_id: str | None = None,
    correlation_id: str | None = None,
    transfer_of: Lookup,
    decision_of: Lookup,
) -> Packet | None:
    """The packet for one transfer id or one correlation id; None when neither the ledger nor
    the transfers know it."""
    if (transfer_id is None) == (correlation_id is None):
        raise ValueError("give a transfer id or a correlation id")
    events, transfer = _scope(store, transfer_id, correlation_id, transfer_of)
    if not events and transfer is None:
        return None
    decision_ids = sorted({e["resource_id"] for e in events if e["action"] == "member_match.decide"})
    decisions = [d for d in (decision_of(i) for i in decision_ids) if d is not None]
    body = [
        sections.timeline(events),
        *sections.identity(decisions, events, transfer),
        sections.consent_checks(events, decisions),
        sections.attempts(events),
        sections.acknowledgments(events),
        sections.disposition(events, transfer),
    ]
    kind, subject = ("transfer", transfer_id) if transfer_id else ("correlation", correlation_id)
    assert subject is not None
    return proven_packet(kind, subject, format_time(clock.now()), body, chain_proof(store, trusted, events))
