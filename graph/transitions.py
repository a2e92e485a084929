"""Writes planned link transitions, in batches, with the history event each one adds."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from graph.domain.links import DecidedBy, Transition
from graph.review_queue import refresh_queue
from graph.store import Queries

BATCH = 5_000


def apply_transitions(
    store: Queries, moves: Sequence[Transition], decided_by: DecidedBy, evidence: str | None = None
) -> int:
    """Move each link only from the state it was planned from; ``evidence`` (JSON) replaces
    each transition's own when given. Returns how many links moved."""
    return sum(int(batch["moved"]) for batch in _write(store, moves, decided_by, evidence))


def moved_links(
    store: Queries, moves: Sequence[Transition], decided_by: DecidedBy, evidence: str | None = None
) -> list[str]:
    """``apply_transitions``, returning the ids of the links that moved."""
    return [link_id for batch in _write(store, moves, decided_by, evidence) for link_id in batch["link_ids"]]


def _write(
    store: Queries, moves: Sequence[Transition], decided_by: DecidedBy, evidence: str | None
) -> Iterator[dict[str, Any]]:
    for start in range(0, len(moves), BATCH):
        rows = [
            {"link_id": t.link_id, "from_state": t.from_state.value, "to_state": t.to_state.value,
             "decided_by": decided_by.value, "actor": t.actor, "reason": t.reason,
             "evidence": t.evidence if evidence is None else evidence}
            for t in moves[start : start + BATCH]
        ]  # fmt: skip
        moved = store.write("identity/transition_links", {"rows": rows})[0]
        refresh_queue(store, link_ids=moved["link_ids"])  # into or out of the steward queue
        yield moved
