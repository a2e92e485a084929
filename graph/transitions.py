"""Writes planned link transitions, in batches, with the history event each one adds."""

from __future__ import annotations

from collections.abc import Sequence

from graph.domain.links import DecidedBy, Transition
from graph.store import GraphStore

BATCH = 5_000


def apply_transitions(
    store: GraphStore, moves: Sequence[Transition], decided_by: DecidedBy, evidence: str | None = None
) -> int:
    """Move each link only from the state it was planned from; ``evidence`` (JSON) replaces
    each transition's own when given. Returns how many links moved."""
    moved = 0
    for start in range(0, len(moves), BATCH):
        rows = [
            {"link_id": t.link_id, "from_state": t.from_state.value, "to_state": t.to_state.value,
             "decided_by": decided_by.value, "actor": t.actor, "reason": t.reason,
             "evidence": t.evidence if evidence is None else evidence}
            for t in moves[start : start + BATCH]
        ]  # fmt: skip
        moved += int(store.write("identity/transition_links", {"rows": rows})[0]["moved"])
    return moved
