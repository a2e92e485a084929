"""Files the matching commands write: pairs CSV, contributions Parquet, clusters, figures.
Each file is written to a temporary name and renamed, so a failed run leaves nothing half
written."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from matching.linkage.prediction import Predictions


def _atomic(path: Path, write: Callable[[Path], None]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=path.suffix)
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; outputs are shared files
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return path


def contributions_path(pairs_csv: Path) -> Path:
    return pairs_csv.with_name(pairs_csv.stem + ".contributions.parquet")


def write_pairs(predictions: Predictions, out: Path) -> tuple[Path, Path]:
    """``out`` (CSV: left_record_id,right_record_id,match_probability,match_weight) and the
    per-comparison contributions beside it."""
    slim = predictions.slim()
    pairs = _atomic(out, lambda tmp: pacsv.write_csv(slim, tmp))
    detail = _atomic(
        contributions_path(out), lambda tmp: pq.write_table(predictions.contributions(), tmp, compression="zstd")
    )
    return pairs, detail


def write_table(table: pa.Table, out: Path) -> Path:
    return _atomic(out, lambda tmp: pq.write_table(table, tmp, compression="zstd"))


def write_json(data: dict[str, Any], out: Path) -> Path:
    def write(tmp: Path) -> None:
        tmp.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")

    return _atomic(out, write)
