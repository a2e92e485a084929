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
from graph.domain.clustering import cluster
from graph.domain.links import LinkState
from graph.import_files import ImportFiles
from graph.import_plan import plan_import
from graph.import_tables import write_links, write_members, write_records, write_run_and_schema
from graph.record_hashes import content_hashes
from graph.run_audit import finish_run
from graph.run_rows import LoadReport, Progress
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
    pairs: pa.Table,
    progress: Progress,
) -> LoadReport:
    run_id = meta["run_id"]
    now = datetime.now(UTC).isoformat()
    applied = store.read("admin/applied_migrations")
    with importer.offline(store, progress) as offline:
        files = ImportFiles(offline.folder, writers=2)  # the server is stopped: both cores are ours
        written = _write_files(files, meta, records, pairs, now, progress)
        write_run_and_schema(files, meta, records.num_rows, pairs.num_rows, applied, now)
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
    pairs: pa.Table,
    now: str,
    progress: Progress,
) -> Written:
    """The run planned against an empty graph: every decided pair a new link, members from
    its confirmed links and must-not-link pairs, as ``recluster`` would read them back."""
    run_id, model_version = meta["run_id"], meta["model_version"]
    ids = records.column("record_id")
    hashes = content_hashes(records)
    plan = plan_import(run_id, model_version, pairs, ids)
    member_of = cluster(sorted(ids.to_pylist()), plan.confirmed_edges(), must_not_link=plan.never_pairs()).cluster_of
    progress("planned", 1, 1)
    write_records(files, records, hashes, run_id, now)
    write_links(files, plan.links, run_id, model_version, now, _queue_impact(plan.links, member_of))
    write_members(files, member_of, f"model:{model_version}", f"matching run {run_id}", now)
    never = plan.never
    files.add(
        "relationships", "MUST_NOT_LINK",
        pa.table({"left": never["left"], "right": never["right"], "rule": never["rule"],
                  "run_id": pa.repeat(pa.scalar(run_id), never.num_rows), "match_weight": never["match_weight"]}),
        [":START_ID(SourceRecord)", ":END_ID(SourceRecord)", "rule", "run_id", "match_weight:double"],
    )  # fmt: skip
    files.wait()
    progress("files", 1, 1)
    return Written(plan.decided, len(set(member_of.values())), len(member_of))


def _queue_impact(links: pa.Table, member_of: dict[str, str]) -> list[int | None]:
    """The steward queue's impact of each candidate link (None for the others): the records
    of its members (no transfer is held in an empty database)."""
    sizes = Counter(member_of.values())
    columns = (links[name].to_pylist() for name in ("state", "left", "right"))
    return [
        sum(sizes[m] for m in {member_of[left], member_of[right]}) if state == LinkState.CANDIDATE.value else None
        for state, left, right in zip(*columns, strict=True)
    ]
