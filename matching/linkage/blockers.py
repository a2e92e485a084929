"""The auto-confirm guard applied to Splink's scored pairs in batch.

Splink gives each pair a ``gamma_<comparison>`` value per comparison; the model's settings
say which level each value is. The guard (``matching.linkage.guard``) is called once per
distinct combination of levels and guard features (a few thousand even for millions of
pairs), and the reason codes are joined back, so batch and real-time share one function.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb
import pyarrow as pa

from matching.linkage.guard import GUARD_FEATURES, auto_confirm_blockers, missing_labels

BLOCKERS_COLUMN = "auto_confirm_blockers"  # reason codes joined by ",", NULL when none
_SEPARATOR = ","


def level_labels(splink_model: dict[str, Any]) -> dict[str, dict[int, str]]:
    """Each comparison's gamma value -> its level's label, numbered as Splink numbers them:
    -1 for the null level, then from (levels - 1) down to 0 in the order listed."""
    out: dict[str, dict[int, str]] = {}
    for comparison in splink_model["comparisons"]:
        levels = comparison["comparison_levels"]
        counter = sum(1 for level in levels if not level.get("is_null_level")) - 1
        numbered: dict[int, str] = {}
        for level in levels:
            if level.get("is_null_level"):
                numbered[-1] = level["label_for_charts"]
            else:
                numbered[counter] = level["label_for_charts"]
                counter -= 1
        out[comparison["output_column_name"]] = numbered
    return out


def join_codes(codes: Sequence[str]) -> str | None:
    return _SEPARATOR.join(codes) or None


def split_codes(value: str | None) -> list[str]:
    return value.split(_SEPARATOR) if value else []


def guard_table(
    con: duckdb.DuckDBPyConnection, frame: str, splink_model: dict[str, Any]
) -> tuple[pa.Table, list[tuple[str, str]]]:
    """The reason codes of every distinct combination of levels and guard features in the
    Splink output ``frame``: a table of key columns ``k0, k1, ...`` plus ``BLOCKERS_COLUMN``,
    and the (frame column, key column) pairs to join it back on."""
    by_comparison = level_labels(splink_model)
    missing = missing_labels({name: levels.values() for name, levels in by_comparison.items()})
    if missing:
        raise ValueError(
            f"the model was trained before the auto-confirm guard (its levels lack {missing[0]!r}); retrain it"
        )
    present = set(con.sql(f"SELECT * FROM {frame} LIMIT 0").columns)
    names = [n for n in by_comparison if f"gamma_{n}" in present]
    features = [f for f in GUARD_FEATURES if {f"{f}_l", f"{f}_r"} <= present]
    columns = [f"gamma_{n}" for n in names] + [f"{f}_{side}" for f in features for side in ("l", "r")]
    on = [(column, f"k{i}") for i, column in enumerate(columns)]
    if not on:  # no comparison the guard knows: nothing to hold
        return pa.table({BLOCKERS_COLUMN: pa.array([None], pa.string())}), on
    combos = con.sql(f"SELECT DISTINCT {', '.join(f'{c} AS {k}' for c, k in on)} FROM {frame}").to_arrow_table()
    codes = []
    for row in combos.to_pylist():
        levels = {n: by_comparison[n][row[f"k{i}"]] for i, n in enumerate(names) if row[f"k{i}"] in by_comparison[n]}
        left = {f: row[f"k{len(names) + 2 * i}"] for i, f in enumerate(features)}
        right = {f: row[f"k{len(names) + 2 * i + 1}"] for i, f in enumerate(features)}
        codes.append(join_codes(auto_confirm_blockers(levels, left, right)))
    return combos.append_column(BLOCKERS_COLUMN, pa.array(codes, pa.string())), on


def join_condition(on: Sequence[tuple[str, str]], frame: str, table: str) -> str:
    """The ON clause joining the Splink output (alias ``frame``) to a ``guard_table`` (alias ``table``)."""
    return " AND ".join(f"{frame}.{column} IS NOT DISTINCT FROM {table}.{key}" for column, key in on) or "true"
