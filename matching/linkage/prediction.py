"""Batch prediction with a trained model: scored pairs with per-comparison contributions,
the must-not-link rule (if any) each pair breaks and the reasons (if any) the auto-confirm
guard gives for holding it for review."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from matching.linkage import splink_adapter
from matching.linkage.blockers import BLOCKERS_COLUMN, guard_table, join_condition
from matching.linkage.constraints import must_not_link_sql
from matching.linkage.features import model_table

PAIR_COLUMNS = ("left_record_id", "right_record_id", "match_probability", "match_weight")


@dataclass
class Predictions:
    pairs: pa.Table  # PAIR_COLUMNS + blocking_rule + must_not_link + auto_confirm_blockers + mw_*/gamma_*
    comparisons: list[str]
    comparisons_by_rule: dict[str, int] = field(default_factory=dict)  # blocking analysis before scoring

    def slim(self) -> pa.Table:
        return self.pairs.select(list(PAIR_COLUMNS))

    def contributions(self) -> pa.Table:
        detail = [c for c in self.pairs.column_names if c.startswith(("mw_", "gamma_"))]
        context = ["left_record_id", "right_record_id", "blocking_rule", "must_not_link", BLOCKERS_COLUMN]
        return self.pairs.select([*context, *detail])


def predict(
    tables: Sequence[pa.Table],
    splink_model: dict[str, Any],
    columns: Sequence[str],
    rule_names: Sequence[str],
    threshold_weight: float | None,
    threads: int | None = None,
    charts: Path | None = None,
) -> Predictions:
    """Score the blocked pairs; keep those at or above ``threshold_weight`` (all when None).
    With two tables (link only), ``left_record_id`` always comes from the first."""
    shaped = [model_table(t, columns) for t in tables]
    names = [f"input_{i}" for i in range(len(tables))] if len(tables) > 1 else None
    con = splink_adapter.connection(threads=threads)
    try:
        scoring = {**splink_model, "retain_matching_columns": True, "retain_intermediate_calculation_columns": True}
        linker = splink_adapter.build_linker(con, shaped, scoring, names=names)
        counts = splink_adapter.blocking_counts(linker, rule_names)
        frame = linker.inference.predict(threshold_match_weight=threshold_weight, warning_mode="never")
        if charts is not None:  # with a waterfall of the ten strongest pairs
            top = con.sql(f"SELECT * FROM {frame.physical_name} ORDER BY match_weight DESC LIMIT 10")
            splink_adapter.save_model_charts(linker, charts, top.to_arrow_table().to_pylist())
        pairs = decided_pairs(con, frame.physical_name, splink_model, columns, rule_names, linked=names is not None)
    finally:
        con.close()
    return Predictions(pairs=pairs, comparisons=comparison_names(splink_model), comparisons_by_rule=counts)


def comparison_names(splink_model: dict[str, Any]) -> list[str]:
    return [c["output_column_name"] for c in splink_model["comparisons"]]


def decided_pairs(
    con: duckdb.DuckDBPyConnection,
    frame: str,
    splink_model: dict[str, Any],
    columns: Sequence[str],
    rule_names: Sequence[str],
    linked: bool = False,
) -> pa.Table:
    """Splink's scored pairs (table or view ``frame`` in ``con``, from any backend) as our
    pairs: ids in order, the blocking rule's name, the must-not-link rule, the guard's codes
    and every comparison's weight and level. ``linked``: two inputs named input_0, input_1."""
    rules = " ".join(f"WHEN '{i}' THEN '{name}'" for i, name in enumerate(rule_names))
    swap = "source_dataset_l <> 'input_0'" if linked else "false"
    guard, on = guard_table(con, frame, splink_model)
    con.register("pair_guard", guard)
    sql = f"""
        SELECT CASE WHEN {swap} THEN record_id_r ELSE record_id_l END AS left_record_id,
               CASE WHEN {swap} THEN record_id_l ELSE record_id_r END AS right_record_id,
               match_probability, match_weight,
               CASE match_key {rules} ELSE match_key END AS blocking_rule,
               {must_not_link_sql(columns)} AS must_not_link,
               pair_guard.{BLOCKERS_COLUMN},
               COLUMNS('^(mw_|gamma_)')
        FROM {frame} p LEFT JOIN pair_guard ON {join_condition(on, "p", "pair_guard")}
        ORDER BY left_record_id, right_record_id
    """
    return con.sql(sql).to_arrow_table()
