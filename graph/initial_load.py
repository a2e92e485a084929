"""The first run into an empty database, through Neo4j's offline importer instead of Bolt.

It writes the graph a Bolt load would: the run planned against no existing links, members
clustered from the run's own confirmed links and must-not-link pairs (exactly what
``recluster`` reads back from an empty graph), the same keys, properties and relationships.
Only timestamps differ (one instant for the whole import). tests/integration/graph/
test_initial_import.py holds the two paths to that.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa

from graph.bulk_import import BulkImporter
from graph.domain.clustering import Edge, cluster
from graph.domain.links import LinkState
from graph.import_files import ImportFiles
from graph.import_tables import write_links, write_members, write_records, write_run_and_schema
from graph.run_audit import finish_run
from graph.run_rows import LoadReport, Progress, plan_links, record_hashes
from graph.store import GraphStore


@dataclass(frozen=True)
class Written:
    links_planned: int
    members: int
    memberships: int


def import_run(
    store: GraphStore,
    importer: BulkImporter,
    meta: dict[str, Any],
    records: pa.Table,
    pairs: list[dict[str, Any]],
    progress: Progress,
) -> LoadReport:
    run_id = meta["run_id"]
    now = datetime.now(UTC).isoformat()
    applied = store.read("admin/applied_migrations")
    with importer.offline(store, progress) as offline:
        files = ImportFiles(offline.folder)
        written = _write_files(files, meta, records, pairs, now, progress)
        write_run_and_schema(files, meta, records.num_rows, len(pairs), applied, now)
        offline.run_import(files, progress)
    report = LoadReport(
        run_id, False, records.num_rows, written.links_planned, 0, 0, written.members, written.memberships
    )
    finish_run(store, meta["model_version"], report)  # marks the run complete with its audit event, as over Bolt
    return report


def _write_files(
    files: ImportFiles,
    meta: dict[str, Any],
    records: pa.Table,
    pairs: list[dict[str, Any]],
    now: str,
    progress: Progress,
) -> Written:
    """The run planned against an empty graph: every decided pair a new link, members from
    its confirmed links and must-not-link pairs, as ``recluster`` would read them back."""
    run_id, model_version = meta["run_id"], meta["model_version"]
    hashes = record_hashes(records)
    ids = set(records.column("record_id").to_pylist())
    planned = plan_links(run_id, model_version, pairs, [])
    links = [c for c in planned.creates if c["left"] in ids and c["right"] in ids]  # as MATCH skips the others
    firsts: dict[tuple[str, str], dict[str, Any]] = {}
    for n in planned.never:  # MERGE keeps the first row of a pair
        if n["left"] in ids and n["right"] in ids:
            firsts.setdefault((n["left"], n["right"]), n)
    never = list(firsts.values())
    edges = [
        edge
        for link in links
        if link["state"] == LinkState.CONFIRMED.value
        for edge in _both_ways(link["left"], link["right"], link["match_weight"])
    ]
    must_not = [p for n in never for p in ((n["left"], n["right"]), (n["right"], n["left"]))]
    member_of = cluster(sorted(ids), edges, must_not_link=must_not).cluster_of
    progress("planned", 1, 1)
    write_records(files, records, hashes, run_id, now)
    write_links(files, links, run_id, model_version, now, _queue_impact(links, member_of))
    write_members(files, member_of, f"model:{model_version}", f"matching run {run_id}", now)
    files.add(
        "relationships", "MUST_NOT_LINK",
        pa.table({"left": [n["left"] for n in never], "right": [n["right"] for n in never],
                  "rule": [n["rule"] for n in never], "run_id": [run_id] * len(never),
                  "match_weight": pa.array([n["match_weight"] for n in never], pa.float64())}),
        [":START_ID(SourceRecord)", ":END_ID(SourceRecord)", "rule", "run_id", "match_weight:double"],
    )  # fmt: skip
    progress("files", 1, 1)
    return Written(len(planned.creates), len(set(member_of.values())), len(member_of))


def _queue_impact(links: list[dict[str, Any]], member_of: dict[str, str]) -> dict[str, int]:
    """The steward queue's impact of each candidate link: the records of its members (no
    transfer is held in an empty database)."""
    sizes = Counter(member_of.values())
    return {
        link["link_id"]: sum(sizes[m] for m in {member_of[link["left"]], member_of[link["right"]]})
        for link in links
        if link["state"] == LinkState.CANDIDATE.value
    }


def _both_ways(left: str, right: str, weight: float | None) -> list[Edge]:
    value = float(weight) if weight is not None else 1e6  # as recluster reads a link back
    return [Edge(left, right, value), Edge(right, left, value)]
