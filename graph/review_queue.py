"""The steward queue's order, kept on each open link so the queue is an index read.

Every open (candidate or disputed) link carries ``queue_rank`` (minus its impact: records of
its members plus their held transfers) and ``queue_weight`` (minus its match weight), which
the ``link_queue_order`` index keeps in the queue's order. ``refresh_queue`` recomputes them
for what a change can touch; it runs in the same transaction as the change wherever a
link's state, a member's records, a held transfer or a redirect changes (run loads,
reclustering, link transitions, transfers entering or leaving ``held_for_identity``).
"""

from __future__ import annotations

from collections.abc import Sequence

from graph.run_rows import BATCH, batches
from graph.store import Queries

RANK_BATCH = 1_000  # links (or members) per refresh: each one reads the links' members and transfers


def refresh_queue(queries: Queries, member_keys: Sequence[str] = (), link_ids: Sequence[str] = ()) -> int:
    """Rank the open links of these members (and of the members they redirect to) and these
    links; unrank those of them no longer open. Returns how many links were looked at."""
    refreshed = 0
    for batch in batches(sorted(set(member_keys)), RANK_BATCH):
        refreshed += _refresh(queries, list(batch), [])
    for batch in batches(sorted(set(link_ids)), RANK_BATCH):
        refreshed += _refresh(queries, [], list(batch))
    return refreshed


def rank_all_open_links(queries: Queries) -> int:
    """Rank every open link: for a graph loaded before the queue kept its order."""
    ranked, after = 0, ""
    while page := [r["link_id"] for r in queries.read("identity/open_links_page", {"after": after, "limit": BATCH})]:
        ranked += refresh_queue(queries, link_ids=page)
        after = page[-1]
    return ranked


def _refresh(queries: Queries, member_keys: list[str], link_ids: list[str]) -> int:
    rows = queries.write("identity/refresh_queue_ranks", {"member_keys": member_keys, "link_ids": link_ids})
    return int(rows[0]["refreshed"]) if rows else 0
