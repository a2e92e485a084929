"""Opening the disputes the quality checks planned: the link moves and its audit event are one transaction."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from audit.domain.context import new_correlation_id
from audit.domain.events import EventDraft, Outcome
from audit.ledger import append
from graph.domain.links import DecidedBy, Transition
from graph.store import GraphStore, TxRunner
from graph.transitions import moved_links

QUALITY_CHECKER = "service:quality-check"


def open_disputes(store: GraphStore, disputes: Sequence[Transition], member_of: Mapping[str, str]) -> int:
    """Dispute the planned links (each only if still in its planned state) and record one
    ``link.dispute`` event per link that moved, with the check as reason code. ``member_of``
    maps a link id to the member it was found in. Returns how many links moved."""
    if not disputes:
        return 0
    correlation_id = new_correlation_id()  # one per batch of a quality run
    planned = {t.link_id: t for t in disputes}

    def work(tx: TxRunner) -> int:
        moved = moved_links(tx, disputes, DecidedBy.QUALITY_CHECK)
        for link_id in sorted(moved):
            move = planned[link_id]
            append(tx, EventDraft(
                actor=QUALITY_CHECKER, actor_role="quality_check", action="link.dispute", resource_type="Link",
                resource_id=link_id, outcome=Outcome.SUCCESS, reason_code=move.actor.removeprefix("quality:"),
                correlation_id=correlation_id, member_keys=(member_of[link_id],) if link_id in member_of else (),
                details={"from_state": move.from_state.value.upper(), "to_state": move.to_state.value.upper()},
            ))  # fmt: skip
        return len(moved)

    return store.in_write_transaction(work)
