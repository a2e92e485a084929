"""Writes what validation found: accepted records, rejects with reasons, nulled values and a
summary. Files appear together or not at all (written in a temporary folder, then moved)."""

from __future__ import annotations

import csv
import json
import shutil
import tempfile
from dataclasses import asdict
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from matching.canonical.schema import CANONICAL_COLUMNS
from matching.canonical.validation import ValidationResult

ACCEPTED_FILE = "accepted.parquet"
REJECTS_FILE = "rejects.csv"
ISSUES_FILE = "issues.csv"
SUMMARY_FILE = "summary.json"


def write_report(result: ValidationResult, normalised: pa.Table, out_dir: Path, source: Path) -> dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".validate-", dir=out_dir))
    try:
        pq.write_table(normalised, staging / ACCEPTED_FILE, compression="zstd")
        _write_rejects(result, staging / REJECTS_FILE)
        _write_issues(result, staging / ISSUES_FILE)
        summary = {"source": str(source), **result.summary()}
        (staging / SUMMARY_FILE).write_text(json.dumps(summary, indent=2) + "\n")
        written = {}
        for name in (ACCEPTED_FILE, REJECTS_FILE, ISSUES_FILE, SUMMARY_FILE):
            (staging / name).replace(out_dir / name)
            written[name] = out_dir / name
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _write_rejects(result: ValidationResult, path: Path) -> None:
    columns = [c for c in CANONICAL_COLUMNS if any(c in r.values for r in result.rejected)]
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["row", "reason", *columns])
        for rejected in result.rejected:
            writer.writerow([rejected.row, rejected.reason, *(rejected.values.get(c) or "" for c in columns)])


def _write_issues(result: ValidationResult, path: Path) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["row", "record_id", "column", "reason", "value"])
        writer.writeheader()
        for issue in result.issues:
            writer.writerow(asdict(issue))
