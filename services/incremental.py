"""Incremental matching: score only new records against the graph with the published model,
and add them without retraining or rewriting the rest."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from graph.loading import load_run
from graph.run_rows import LoadReport
from graph.store import GraphStore, native
from matching.linkage import jobs
from matching.linkage.registry import ModelFile
from matching.linkage.runs import write_run

Step = Callable[[str], None]
KEY_BATCH = 2_000


@dataclass(frozen=True)
class IncrementalReport:
    new_records: int
    candidates: int
    load: LoadReport


def _keys(records: pa.Table) -> dict[str, list[Any]]:
    """The blocking keys of the new records, as the candidate query takes them."""
    present = set(records.column_names)

    def distinct(column: str) -> list[Any]:
        return sorted({v for v in records.column(column).to_pylist() if v}) if column in present else []

    def pairs(first: str, second: str) -> list[list[Any]]:
        if not {first, second} <= present:
            return []
        values = zip(records.column(first).to_pylist(), records.column(second).to_pylist(), strict=True)
        return sorted([list(p) for p in {p for p in values if p[0] and p[1]}])

    return {
        "dob_zips": pairs("dob", "zip5"), "dob_last_names": pairs("dob", "last_name_key"),
        "dob_first_names": pairs("dob", "first_name_norm"), "phones": distinct("phone"), "emails": distinct("email"),
        "member_ids": distinct("member_id_norm"), "names": pairs("last_name_norm", "first_name_norm"),
    }  # fmt: skip


def fetch_candidates(store: GraphStore, records: pa.Table, schema: pa.Schema) -> pa.Table:
    """Existing records sharing a blocking key with the new ones, shaped like them: only the
    columns of ``schema`` are read, each record once, the new records themselves left out."""
    keys = _keys(records)
    columns = list(schema.names)
    at = columns.index("record_id")
    found: dict[str, list[Any]] = {}
    longest = max(len(v) for v in keys.values())
    for start in range(0, max(longest, 1), KEY_BATCH):
        page = {k: v[start : start + KEY_BATCH] for k, v in keys.items()}
        for [values] in store.read_values("identity/candidates_by_keys", {**page, "columns": columns}):
            found[values[at]] = values
    new_ids = set(records.column("record_id").to_pylist())
    rows = [values for rid, values in sorted(found.items()) if rid not in new_ids]
    return pa.table([_column(rows, i, field.type) for i, field in enumerate(schema)], schema=schema)


def _column(rows: list[list[Any]], at: int, kind: pa.DataType) -> pa.Array:
    values = [row[at] for row in rows]
    return pa.array([native(v) for v in values] if pa.types.is_temporal(kind) else values, kind)


def match_incremental(
    store: GraphStore,
    path: Path,
    model: ModelFile,
    run_dir: Path,
    mapping: Path | None = None,
    step: Step | None = None,
) -> IncrementalReport:
    step = step or (lambda _msg: None)
    new = jobs.combined(jobs.load_inputs([path], mapping, step))
    used = set(model.notes.get("columns", [])) | {"record_id"}
    scored = new.select([c for c in new.column_names if c in used])
    step("fetching candidates from the graph")
    candidates = fetch_candidates(store, scored, scored.schema)
    step(f"scoring {new.num_rows} new records against {candidates.num_rows} candidates")
    floor = min(model.thresholds.review, model.thresholds.auto_confirm)
    if candidates.num_rows:
        predictions = jobs.predict_with(jobs.retyped(model, "link_and_dedupe"), [scored, candidates], floor)
    else:
        predictions = jobs.predict_with(jobs.retyped(model, "dedupe_only"), [scored], floor)
    predictions.pairs = _involving(predictions.pairs, set(new.column("record_id").to_pylist()))
    write_run(model, new, predictions, run_dir, scope="incremental")
    step("loading into the graph")
    return IncrementalReport(new.num_rows, candidates.num_rows, load_run(store, run_dir))


def _involving(pairs: pa.Table, new_ids: set[str]) -> pa.Table:
    left = pairs.column("left_record_id").to_pylist()
    right = pairs.column("right_record_id").to_pylist()
    mask = pa.array([a in new_ids or b in new_ids for a, b in zip(left, right, strict=True)], pa.bool_())
    return pairs.filter(mask)
