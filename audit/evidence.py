"""Evidence packet for a member: its audited events in chain order, its identity links'
history, and the proof that each listed event is in the verified chain (audit/evidence_proof.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from audit import clock
from audit.domain.events import format_time
from audit.domain.packets import Cell, Packet, Section
from audit.evidence_proof import EVENT_COLUMNS, chain_proof, event_cells, proven_packet
from audit.search import Criteria, all_events
from graph.store import GraphStore

LinkHistory = Callable[[str], dict[str, Any]]


def _links(link_ids: list[str], link_history: LinkHistory) -> tuple[Section, Section]:
    links: list[dict[str, Cell]] = []
    history: list[dict[str, Cell]] = []
    for link_id in link_ids:
        found = link_history(link_id)
        link = found["link"]
        links.append({
            "link_id": link_id, "records": " / ".join(sorted(found["record_ids"])), "state": link.get("state"),
            "decided_by": link.get("decided_by"), "model_version": link.get("model_version"),
            "match_weight": link.get("match_weight"), "blocking_rule": link.get("blocking_rule"),
        })  # fmt: skip
        history += [{"link_id": link_id, **{k: e.get(k) for k in ("seq", "from_state", "to_state", "at", "actor",
                                                                  "reason")}} for e in found["events"]]  # fmt: skip
    return (
        Section("identity_links", "Identity links", "Every link of every record that was ever in this member.",
                ["link_id", "records", "state", "decided_by", "model_version", "match_weight", "blocking_rule"], links),
        Section("link_history", "Identity link history", "Every state change of those links, oldest first.",
                ["link_id", "seq", "from_state", "to_state", "at", "actor", "reason"], history),
    )  # fmt: skip


def member_packet(
    store: GraphStore, trusted: dict[str, Ed25519PublicKey], member_key: str, link_history: LinkHistory
) -> Packet | None:
    """None when nothing is recorded of this key: no member holds it and no event concerns it (a
    packet of nothing, 'verified', would read as proof that nothing happened to someone)."""
    scope = store.read("audit/member_evidence_scope", {"member_key": member_key})
    member_keys = scope[0]["member_keys"] if scope else [member_key]
    events = all_events(store, [Criteria(member_key=k) for k in member_keys])
    if not scope and not events:
        return None
    sections = [
        Section(
            "events",
            "Audited events",
            f"Events concerning {', '.join(member_keys)}, in chain order.",
            EVENT_COLUMNS,
            event_cells(events),
        ),
        *_links(sorted(scope[0]["link_ids"]) if scope else [], link_history),
    ]
    return proven_packet("member", member_key, format_time(clock.now()), sections, chain_proof(store, trusted, events))
