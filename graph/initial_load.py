"""The first run into an empty database, through Neo4j's offline importer instead of Bolt.

It writes the graph a Bolt load would: the run planned against no existing links, members
clustered from the run's own confirmed links and must-not-link pairs (exactly what
``recluster`` reads back from an empty graph), the same keys, properties and relationships.
Only timestamps differ (one instant for the whole import). tests/integration/graph/
test_initial_import.py holds the two paths to that.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from graph.bulk_import import BulkImporter
from graph.domain.clustering_arrays import NumberedClusters, cluster_numbered
from graph.domain.links import LinkState
from graph.import_files import ImportFiles
from graph.import_numbers import Numbers, RecordNumbers
from graph.import_plan import NO_WEIGHT, plan_import
from graph.import_tables import write_links, write_members, write_never, write_records, write_run_and_schema
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
    with ThreadPoolExecutor(1, thread_name_prefix="record-hashes") as pool:
        hashing = pool.submit(content_hashes, records)  # DuckDB, while the links are planned
        plan = plan_import(run_id, model_version, pairs, ids)
        numbers = RecordNumbers.of(ids)
        left, right, never_left, never_right = numbers.lookup(
            plan.links["left"], plan.links["right"], plan.never["left"], plan.never["right"]
        )
        clusters = _clusters(numbers, plan.links, (left, right), (never_left, never_right))
        hashes = hashing.result()
    progress("planned", 1, 1)
    write_records(files, records, numbers.of_rows, hashes, run_id, now)
    write_links(
        files, plan.links, (left, right), (run_id, model_version, now), _queue_impact(plan.links, left, right, clusters)
    )
    write_members(files, clusters, f"model:{model_version}", f"matching run {run_id}", now)
    write_never(files, plan.never, (never_left, never_right), run_id)
    files.wait()
    progress("files", 1, 1)
    return Written(plan.decided, len(clusters.keys), len(clusters.member_of))


def _clusters(
    numbers: RecordNumbers, links: pa.Table, ends: tuple[Numbers, Numbers], never: tuple[Numbers, Numbers]
) -> NumberedClusters:
    """Members from the confirmed links (strongest first) under the must-not-link pairs."""
    confirmed = pc.equal(links["state"], LinkState.CONFIRMED.value).to_numpy(zero_copy_only=False)
    weights = pc.fill_null(links["match_weight"], NO_WEIGHT).to_numpy().astype(np.float64)
    return cluster_numbered(
        numbers.sorted_ids.to_pylist(), ends[0][confirmed], ends[1][confirmed], weights[confirmed], *never
    )


def _queue_impact(links: pa.Table, left: Numbers, right: Numbers, clusters: NumberedClusters) -> pa.Array:
    """The steward queue's impact of each candidate link (null for the others): the records
    of its members (no transfer is held in an empty database)."""
    sizes = clusters.sizes()
    of_left, of_right = clusters.member_of[left], clusters.member_of[right]
    impact = sizes[of_left] + np.where(of_left != of_right, sizes[of_right], 0)
    candidate = pc.equal(links["state"], LinkState.CANDIDATE.value).to_numpy(zero_copy_only=False)
    return pa.array(impact, pa.int64(), mask=~candidate)
