"""A matching run: the records, the scored pairs with their decisions, and what produced
them, written to one folder for ``p2p graph load``. The run id is a content hash of the
model version and the records, so the same run has the same id however often it is made.

``pairs.parquet`` keeps every column of the scored pairs, among them ``must_not_link`` and
``auto_confirm_blockers`` (the reason codes of the auto-confirm guard: a pair at or above
the auto-confirm threshold that carries one is a candidate for review, not a link)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from matching.linkage.blockers import BLOCKERS_COLUMN
from matching.linkage.decision import decision_sql
from matching.linkage.features import fingerprint
from matching.linkage.outputs import write_json, write_table
from matching.linkage.prediction import Predictions
from matching.linkage.registry import ModelFile

RECORDS_FILE = "records.parquet"
PAIRS_FILE = "pairs.parquet"
RUN_FILE = "run.json"


@dataclass(frozen=True)
class RunSummary:
    run_id: str
    records: int
    confirm: int
    review: int
    must_not_link: int
    held_by_guard: int = 0  # candidates that the auto-confirm guard kept from being confirmed


def run_id_for(model: ModelFile, records: pa.Table) -> str:
    return hashlib.sha256(f"{model.version}|{fingerprint([records])}".encode()).hexdigest()[:20]


def write_run(
    model: ModelFile, records: pa.Table, predictions: Predictions, out: Path, scope: str = "full"
) -> RunSummary:
    """Keep the pairs that become links or candidates, and the must-not-link pairs scored
    at or above the review threshold (clustering must respect them later)."""
    con = duckdb.connect()
    try:
        con.register("pairs", predictions.pairs)
        decision = decision_sql(model.thresholds)
        kept = con.sql(
            f"""SELECT *, {decision} AS decision FROM pairs
                WHERE {decision} <> 'no_link'
                   OR (must_not_link IS NOT NULL AND match_weight >= {float(model.thresholds.review)!r})
                ORDER BY left_record_id, right_record_id"""
        ).to_arrow_table()
        counts = dict(con.sql("SELECT decision, count(*) FROM kept GROUP BY 1").fetchall())
        rules, held = con.sql(
            "SELECT count(*) FILTER (must_not_link IS NOT NULL),"
            f" count(*) FILTER (must_not_link IS NULL AND {BLOCKERS_COLUMN} IS NOT NULL"
            f" AND match_weight >= {float(model.thresholds.auto_confirm)!r}) FROM kept"
        ).fetchall()[0]
    finally:
        con.close()
    run_id = run_id_for(model, records) + ("-inc" if scope == "incremental" else "")
    # run.json is what makes a folder a run: an earlier run's goes first and this one's last, so a
    # run stopped halfway never leaves the new tables under the old run's name.
    (out / RUN_FILE).unlink(missing_ok=True)
    write_table(records, out / RECORDS_FILE)
    write_table(kept, out / PAIRS_FILE)
    meta: dict[str, Any] = {
        "run_id": run_id,
        "model_version": model.version,
        "thresholds": {"auto_confirm": model.thresholds.auto_confirm, "review": model.thresholds.review},
        "records": records.num_rows,
        "pairs": kept.num_rows,
        "scope": scope,  # "full": every record; "incremental": new records scored against the graph
    }
    write_json(meta, out / RUN_FILE)
    return RunSummary(
        run_id, records.num_rows, int(counts.get("confirm", 0)), int(counts.get("review", 0)), int(rules), int(held)
    )


def read_run_meta(folder: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((folder / RUN_FILE).read_text())
    return data
