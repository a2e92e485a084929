"""Members: the connected components of confirmed and disputed links, cut at must-not-link
pairs and steward retirements, recomputed for the records a change touches with stable keys."""

from __future__ import annotations

from graph.domain.clustering import Edge, cluster
from graph.review_queue import refresh_queue
from graph.run_rows import WRITE_BATCH, Progress, batches
from graph.store import Queries


def _component_inputs(store: Queries, start: list[str]) -> tuple[list[Edge], list[tuple[str, str]], set[str]]:
    """Confirmed links and must-not-link pairs of whole components: the records asked for,
    the members they are in, and whatever their confirmed links reach, until nothing new."""
    edges: list[Edge] = []
    never: list[tuple[str, str]] = []
    seen: set[str] = set()
    frontier = set(start)
    while frontier:
        for batch in batches(sorted(frontier)):
            frontier |= {
                r["record_id"] for r in store.read("identity/members_records_of_records", {"record_ids": list(batch)})
            }
        frontier -= seen
        seen |= frontier
        reached: set[str] = set()
        for batch in batches(sorted(frontier)):
            for row in store.read("identity/clustering_inputs", {"record_ids": list(batch)}):
                if row["kind"] == "link":
                    weight = float(row["weight"]) if row["weight"] is not None else 1e6
                    edges.append(Edge(row["record_id"], row["other"], weight))
                    reached.add(row["other"])
                else:
                    never.append((row["record_id"], row["other"]))
        frontier = reached - seen
    return edges, never, seen


def recluster(
    store: Queries, record_ids: list[str], actor: str, reason: str, progress: Progress | None = None
) -> tuple[int, int]:
    """Recompute the members of these records (and of every member they belong to, so no
    member is cut by looking at part of it) from confirmed links and must-not-link pairs,
    keeping member keys stable; write only memberships that changed. Returns (members, records moved)."""
    progress = progress or (lambda _step, _done, _total: None)
    edges, never, seen = _component_inputs(store, record_ids)
    record_ids = sorted(seen)
    nodes = sorted(set(record_ids) | {e.left for e in edges} | {e.right for e in edges})
    previous: dict[str, str] = {}
    for batch in batches(nodes):
        previous.update(
            {
                r["record_id"]: r["member_key"]
                for r in store.read("identity/current_members", {"record_ids": list(batch)})
            }
        )
    result = cluster(nodes, edges, must_not_link=never, previous_keys=previous)
    fresh = sorted(set(result.cluster_of.values()) - set(previous.values()))
    taken = (
        {r["member_key"] for r in store.read("identity/existing_member_keys", {"member_keys": fresh})}
        if fresh
        else set()
    )
    if taken:  # a retired member's key: never revive it
        result = cluster(nodes, edges, must_not_link=never, previous_keys=previous, reserved=frozenset(taken))
    changes = [{"record_id": r, "member_key": k} for r, k in sorted(result.cluster_of.items()) if previous.get(r) != k]
    for done, batch in enumerate(batches(changes, WRITE_BATCH), start=1):
        store.write("identity/assign_members", {"rows": list(batch), "actor": actor, "reason": reason})
        progress("members", min(done * WRITE_BATCH, len(changes)), len(changes))
    emptied = sorted(set(previous.values()) - set(result.cluster_of.values()))
    if emptied:
        store.write("identity/retire_empty_members", {"member_keys": emptied, "actor": actor, "reason": reason})
    touched = sorted(
        {c["member_key"] for c in changes} | {previous[c["record_id"]] for c in changes if c["record_id"] in previous}
    )
    for batch in batches(touched):
        store.write("identity/refresh_member_counts", {"member_keys": list(batch)})
    refresh_queue(store, member_keys=touched)  # their open links' impact follows their sizes
    return len(set(result.cluster_of.values())), len(changes)
