"""Files the matching commands write: pairs CSV, contributions Parquet, clusters, figures.
Each file is written to a temporary name and renamed (``atomic_files``), so a failed run leaves
nothing half written."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from matching.linkage.atomic_files import write_atomically
from matching.linkage.prediction import Predictions


def contributions_path(pairs_csv: Path) -> Path:
    return pairs_csv.with_name(pairs_csv.stem + ".contributions.parquet")


def write_pairs(predictions: Predictions, out: Path) -> tuple[Path, Path]:
    """``out`` (CSV: left_record_id,right_record_id,match_probability,match_weight) and the
    per-comparison contributions beside it."""
    slim = predictions.slim()
    pairs = write_atomically(out, lambda tmp: pacsv.write_csv(slim, tmp))
    detail = write_atomically(
        contributions_path(out), lambda tmp: pq.write_table(predictions.contributions(), tmp, compression="zstd")
    )
    return pairs, detail


def write_table(table: pa.Table, out: Path) -> Path:
    return write_atomically(out, lambda tmp: pq.write_table(table, tmp, compression="zstd"))


def write_json(data: dict[str, Any], out: Path) -> Path:
    def write(tmp: Path) -> None:
        tmp.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")

    return write_atomically(out, write)
