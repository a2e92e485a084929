"""Load a matching run into the identity graph: records, links with provenance, the run's
decisions applied to the links already there (never overriding a steward), and members.

Idempotent: every write is a MERGE on a stable key or a transition guarded by the state it
was planned from, and a completed run is skipped, so loading a run twice changes nothing
and a crashed load can simply be run again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from graph.domain.clustering import Edge, cluster
from graph.domain.links import DecidedBy, LinkState
from graph.domain.runs import ExistingLink, pair_key, plan_run
from graph.run_audit import finish_run
from graph.store import GraphStore, Queries
from graph.transitions import apply_transitions

BATCH = 5_000
# Raw values kept for stewards plus the normalised features real-time scoring needs.
# The full SSN is never stored: only its last four digits.
EXCLUDED_PROPERTIES = frozenset({"ssn", "_row"})

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class LoadReport:
    run_id: str
    already_loaded: bool
    records: int = 0
    links_created: int = 0
    transitions: int = 0
    kept: int = 0
    members: int = 0
    members_changed: int = 0


def _batches(rows: Sequence[Any], size: int = BATCH) -> Iterator[Sequence[Any]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def content_hash(values: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()


def record_rows(records: pa.Table) -> list[dict[str, Any]]:
    rows = []
    for row in records.to_pylist():
        props = {k: v for k, v in row.items() if k not in EXCLUDED_PROPERTIES and v is not None}
        digest = content_hash(props)
        props["content_hash"] = digest
        rows.append({"record_key": f"{row['record_id']}#{digest[:12]}", "record_id": row["record_id"], "props": props})
    return rows


def link_id_for(run_id: str, pair: tuple[str, str]) -> str:
    return hashlib.sha256(f"{run_id}|{pair[0]}|{pair[1]}".encode()).hexdigest()[:24]


def load_run(store: GraphStore, folder: Path, progress: Progress | None = None) -> LoadReport:
    progress = progress or (lambda _step, _done, _total: None)
    meta = json.loads((folder / "run.json").read_text())
    run_id, model_version = meta["run_id"], meta["model_version"]
    status = store.read("identity/run_status", {"run_id": run_id})[0]["status"]
    if status == "complete":
        return LoadReport(run_id, already_loaded=True)
    records = pq.read_table(folder / "records.parquet")
    pairs = pq.read_table(folder / "pairs.parquet").to_pylist()
    store.write(
        "identity/run_start",
        {"run_id": run_id, "model_version": model_version, "records": records.num_rows, "pairs": len(pairs)},
    )

    rows = record_rows(records)
    for done, batch in enumerate(_batches(rows), start=1):
        store.write("identity/upsert_records", {"rows": list(batch), "run_id": run_id})
        progress("records", min(done * BATCH, len(rows)), len(rows))

    record_ids = [r["record_id"] for r in rows]
    existing = _existing_links(store, record_ids, run_id)
    by_pair = {pair_key(p["left_record_id"], p["right_record_id"]): p for p in pairs}
    decisions = {k: p["decision"] for k, p in by_pair.items() if p["decision"] in ("confirm", "review")}
    plan = plan_run(f"model:{model_version}", decisions, existing)  # actors name the model; evidence names the run

    actor = f"model:{model_version}"
    creates = [
        _link_row(run_id, actor, new.pair, new.state, new.reason, new.supersedes, by_pair[new.pair])
        for new in plan.create
    ]
    for done, batch in enumerate(_batches(creates), start=1):
        store.write("identity/create_links", {"rows": list(batch), "run_id": run_id, "model_version": model_version})
        progress("links", min(done * BATCH, len(creates)), len(creates))
    apply_transitions(store, plan.transitions, DecidedBy.MODEL, json.dumps({"run_id": run_id}))
    never = [
        {"left": p["left_record_id"], "right": p["right_record_id"], "rule": p["must_not_link"],
         "match_weight": p["match_weight"]}
        for p in pairs if p["must_not_link"]
    ]  # fmt: skip
    for batch in _batches(never):
        store.write("identity/record_must_not_link", {"rows": list(batch), "run_id": run_id})

    store.write("admin/resample_indexes")
    members, changed = recluster(store, record_ids, f"model:{model_version}", f"matching run {run_id}", progress)
    report = LoadReport(run_id, False, len(rows), len(creates), len(plan.transitions), plan.kept, members, changed)
    finish_run(store, model_version, report)  # marks the run complete with its audit event
    return report


def _existing_links(store: GraphStore, record_ids: list[str], run_id: str) -> list[ExistingLink]:
    """Links already deciding these records, except this run's own (a re-run after a crash
    re-creates those idempotently instead of superseding them)."""
    found: dict[str, ExistingLink] = {}
    for batch in _batches(record_ids):
        for row in store.read("identity/current_links_for_records", {"record_ids": list(batch)}):
            if row["run_id"] == run_id:
                continue
            ids = sorted(row["ids"])
            found[row["link_id"]] = ExistingLink(
                row["link_id"], (ids[0], ids[-1]), LinkState(row["state"]), DecidedBy(row["decided_by"])
            )
    return list(found.values())


def _link_row(
    run_id: str,
    actor: str,
    pair: tuple[str, str],
    state: LinkState,
    reason: str,
    supersedes: str | None,
    scored: dict[str, Any],
) -> dict[str, Any]:
    contributions = {k: v for k, v in scored.items() if k.startswith(("mw_", "gamma_")) and v is not None}
    return {
        "link_id": link_id_for(run_id, pair), "pair_key": f"{pair[0]}|{pair[1]}",
        "left": pair[0], "right": pair[1], "state": state.value, "decided_by": DecidedBy.MODEL.value,
        "actor": actor, "reason": reason, "supersedes": supersedes,
        "match_weight": scored["match_weight"], "match_probability": scored["match_probability"],
        "contributions": json.dumps(contributions, sort_keys=True), "blocking_rule": scored.get("blocking_rule"),
        "must_not_link": scored.get("must_not_link"),
        "evidence": json.dumps({"run_id": run_id, "match_weight": scored["match_weight"],
                                "auto_confirm_blockers": scored.get("auto_confirm_blockers")}),
    }  # fmt: skip


def _component_inputs(store: Queries, start: list[str]) -> tuple[list[Edge], list[tuple[str, str]], set[str]]:
    """Confirmed links and must-not-link pairs of whole components: the records asked for,
    the members they are in, and whatever their confirmed links reach, until nothing new."""
    edges: list[Edge] = []
    never: list[tuple[str, str]] = []
    seen: set[str] = set()
    frontier = set(start)
    while frontier:
        for batch in _batches(sorted(frontier)):
            frontier |= {
                r["record_id"] for r in store.read("identity/members_records_of_records", {"record_ids": list(batch)})
            }
        frontier -= seen
        seen |= frontier
        reached: set[str] = set()
        for batch in _batches(sorted(frontier)):
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
    for batch in _batches(nodes):
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
    for done, batch in enumerate(_batches(changes), start=1):
        store.write("identity/assign_members", {"rows": list(batch), "actor": actor, "reason": reason})
        progress("members", min(done * BATCH, len(changes)), len(changes))
    emptied = sorted(set(previous.values()) - set(result.cluster_of.values()))
    if emptied:
        store.write("identity/retire_empty_members", {"member_keys": emptied, "actor": actor, "reason": reason})
    touched = sorted(
        {c["member_key"] for c in changes} | {previous[c["record_id"]] for c in changes if c["record_id"] in previous}
    )
    for batch in _batches(touched):
        store.write("identity/refresh_member_counts", {"member_keys": list(batch)})
    return len(set(result.cluster_of.values())), len(changes)
