"""Load a matching run into the identity graph: records, links with provenance, the run's
decisions applied to the links already there (never overriding a steward), and members.

Idempotent: every write is a MERGE on a stable key or a transition guarded by the state it
was planned from, and a completed run is skipped, so loading a run twice changes nothing
and a crashed load can simply be run again.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq

from graph.bulk_import import BulkImporter
from graph.domain.links import DecidedBy, LinkState
from graph.domain.runs import ExistingLink
from graph.initial_load import import_run
from graph.members import recluster
from graph.review_queue import refresh_queue
from graph.run_audit import finish_run
from graph.run_folder import read_run_meta
from graph.run_rows import WRITE_BATCH, LoadReport, Progress, batches, plan_links, record_rows
from graph.store import GraphStore
from graph.transitions import apply_transitions


def load_run(
    store: GraphStore, folder: Path, progress: Progress | None = None, importer: BulkImporter | None = None
) -> LoadReport:
    """``importer``: load into an empty database with Neo4j's offline importer (same graph,
    much faster); without one, or when the database holds data, every write goes over Bolt."""
    progress = progress or (lambda _step, _done, _total: None)
    meta = read_run_meta(folder)  # refuses a folder that is incomplete, damaged or mixes two runs
    run_id, model_version = meta["run_id"], meta["model_version"]
    status = store.read("identity/run_status", {"run_id": run_id})[0]["status"]
    if status == "complete":
        return LoadReport(run_id, already_loaded=True)
    records = pq.read_table(folder / "records.parquet")
    scored = pq.read_table(folder / "pairs.parquet")
    if importer is not None and importer.accepts(store, records):
        return import_run(store, importer, meta, records, scored, progress)
    pairs = scored.to_pylist()
    store.write(
        "identity/run_start",
        {"run_id": run_id, "model_version": model_version, "records": records.num_rows, "pairs": len(pairs)},
    )

    rows = record_rows(records)
    for done, batch in enumerate(batches(rows, WRITE_BATCH), start=1):
        store.write("identity/upsert_records", {"rows": list(batch), "run_id": run_id})
        progress("records", min(done * WRITE_BATCH, len(rows)), len(rows))

    record_ids = [r["record_id"] for r in rows]
    planned = plan_links(run_id, model_version, pairs, _existing_links(store, record_ids, run_id))
    plan, creates, never = planned.plan, planned.creates, planned.never
    for done, batch in enumerate(batches(creates, WRITE_BATCH), start=1):
        store.write("identity/create_links", {"rows": list(batch), "run_id": run_id, "model_version": model_version})
        progress("links", min(done * WRITE_BATCH, len(creates)), len(creates))
    apply_transitions(store, plan.transitions, DecidedBy.MODEL, json.dumps({"run_id": run_id}))
    for batch in batches(never):
        store.write("identity/record_must_not_link", {"rows": list(batch), "run_id": run_id})

    store.write("admin/resample_indexes")
    members, changed = recluster(store, record_ids, f"model:{model_version}", f"matching run {run_id}", progress)
    refresh_queue(store, link_ids=[c["link_id"] for c in creates if c["state"] == LinkState.CANDIDATE.value])
    report = LoadReport(run_id, False, len(rows), len(creates), len(plan.transitions), plan.kept, members, changed)
    finish_run(store, model_version, report)  # marks the run complete with its audit event
    return report


def _existing_links(store: GraphStore, record_ids: list[str], run_id: str) -> list[ExistingLink]:
    """Links already deciding these records, except this run's own (a re-run after a crash
    re-creates those idempotently instead of superseding them)."""
    found: dict[str, ExistingLink] = {}
    for batch in batches(record_ids):
        for row in store.read("identity/current_links_for_records", {"record_ids": list(batch)}):
            if row["run_id"] == run_id:
                continue
            ids = sorted(row["ids"])
            found[row["link_id"]] = ExistingLink(
                row["link_id"], (ids[0], ids[-1]), LinkState(row["state"]), DecidedBy(row["decided_by"])
            )
    return list(found.values())
