"""Profiles of validated extracts for people looking at the data (the notebooks): how
complete each column is, its most common values, and what validation rejected or nulled."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from matching.canonical.loader import ROW_NUMBER
from matching.canonical.pipeline import PreparedExtract


def completeness(table: pa.Table) -> list[dict[str, Any]]:
    """Per column: how many records have a value (null and blank count as missing)."""
    rows = []
    for name in table.column_names:
        if name == ROW_NUMBER:
            continue
        column = table.column(name)
        missing = column.null_count
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            missing += int(pc.sum(pc.equal(pc.utf8_trim_whitespace(column), "")).as_py() or 0)
        filled = table.num_rows - missing
        rows.append({"column": name, "filled": filled, "share": filled / table.num_rows if table.num_rows else 0.0})
    return rows


def top_values(table: pa.Table, column: str, limit: int = 10) -> list[dict[str, Any]]:
    """The ``limit`` most common non-null values of a column, most common first (ties by value)."""
    counts = pc.value_counts(table.column(column).drop_null()).to_pylist()
    ranked = sorted(counts, key=lambda c: (-c["counts"], str(c["values"])))
    return [{"value": str(c["values"]), "records": int(c["counts"])} for c in ranked[:limit]]


def quality_summary(prepared: Sequence[PreparedExtract]) -> list[dict[str, Any]]:
    """One row per file: rows read, accepted, rejected and values nulled by validation."""
    return [
        {"file": p.source.name, **{k: v for k, v in p.validation.summary().items() if not isinstance(v, dict | list)}}
        for p in prepared
    ]


def quality_reasons(prepared: Sequence[PreparedExtract]) -> list[dict[str, Any]]:
    """Rejected rows and nulled values counted by reason code, per file, most frequent first."""
    rows: list[dict[str, Any]] = []
    for p in prepared:
        summary = p.validation.summary()
        for kind, key in (("row rejected", "rejected_by_reason"), ("value nulled", "values_nulled_by_reason")):
            rows.extend({"file": p.source.name, "kind": kind, "reason": r, "count": n} for r, n in summary[key].items())
    return sorted(rows, key=lambda r: (-r["count"], r["file"], r["reason"]))


def rejected_rows(prepared: Sequence[PreparedExtract], limit: int = 20) -> list[dict[str, Any]]:
    """The first rows validation rejected, with file, row number, record id and reason."""
    rows = [
        {"file": p.source.name, "row": r.row, "record_id": r.record_id, "reason": r.reason}
        for p in prepared
        for r in p.validation.rejected
    ]
    return rows[:limit]


def nulled_values(prepared: Sequence[PreparedExtract], limit: int = 20) -> list[dict[str, Any]]:
    """The first values validation nulled, with the column, reason and the value as read."""
    rows = [
        {"file": p.source.name, "row": i.row, "column": i.column, "reason": i.reason, "value": i.value}
        for p in prepared
        for i in p.validation.issues
    ]
    return rows[:limit]
