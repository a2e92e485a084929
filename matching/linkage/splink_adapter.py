"""The only module that knows Splink 5's quirks.

- Tables reach a Linker only through ``DuckDBAPI.register``; we use one DuckDBAPI per
  Linker because Splink caches term-frequency tables per DuckDBAPI by column name only.
- Training is byte-reproducible only with one DuckDB thread and a fixed ``linker_uid``.
- ``Linker(...)`` resets the "splink" logger to INFO unless given a level; we pass WARNING.
- Rules cannot be named: ``match_key`` is the rule's index, mapped back by the caller.
- Level weights (defaults for untrained levels, clamping, the u a term-frequency
  adjustment is relative to) are read from Splink's settings objects, not recomputed.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal, TypedDict

import duckdb
import pyarrow as pa
from splink import DuckDBAPI, Linker, SettingsCreator
from splink.internals.comparison_creator import ComparisonCreator
from splink.internals.misc import prob_to_match_weight
from splink.internals.splink_dataframe import SplinkDataFrame

from matching.linkage.blocking import BlockingRule
from matching.linkage.comparisons import comparisons_for

LINKER_UID = "payer-exchange"
SPLINK_LOG_LEVEL = logging.ERROR  # its warnings (e.g. levels never observed) are noise in a CLI
RETAINED_CONTEXT = (
    "payer_id",
    "relationship",
    "source_system",
    "suffix_norm",
    "middle_name_norm",
)  # carried into pairs for must-not-link rules


def connection(threads: int | None = None, memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    if memory_limit:
        con.execute("SET memory_limit = ?", [memory_limit])
    return con


LinkType = Literal["link_only", "link_and_dedupe", "dedupe_only"]


def settings_for(
    columns: Sequence[str], rules: Sequence[BlockingRule], link_type: LinkType, prior: float = 1e-4
) -> SettingsCreator:
    comparisons: list[ComparisonCreator | dict[str, Any]] = [*comparisons_for(columns)]
    return SettingsCreator(
        link_type=link_type,
        unique_id_column_name="record_id",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=[rule.creator() for rule in rules],
        probability_two_random_records_match=prior,
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=True,
        additional_columns_to_retain=[c for c in RETAINED_CONTEXT if c in columns],
        linker_uid=LINKER_UID,
    )


def build_linker(
    con: duckdb.DuckDBPyConnection,
    tables: Sequence[pa.Table],
    settings: SettingsCreator | dict[str, Any],
    names: Sequence[str] | None = None,
) -> Linker:
    """A Linker over arrow tables (one for dedupe, two for link), on its own DuckDBAPI."""
    db_api = DuckDBAPI(connection=con)
    frames: list[SplinkDataFrame] = []
    for index, table in enumerate(tables):
        display = names[index] if names else None
        frames.append(db_api.register(table, dataset_display_name=display) if display else db_api.register(table))
    logging.getLogger("splink").setLevel(SPLINK_LOG_LEVEL)
    return Linker(frames if len(frames) > 1 else frames[0], settings, log_level=SPLINK_LOG_LEVEL)


def model_json(linker: Linker) -> dict[str, Any]:
    model: dict[str, Any] = linker.misc.save_model_to_json()
    return model


# Beyond this many scored pairs a run would take hours on one machine: refuse before starting.
MAX_COMPARISONS = 2_000_000_000


class TooManyComparisons(ValueError):
    """The blocking rules would generate more pairs than a run can score."""


def blocking_counts(linker: Linker, rule_names: Sequence[str]) -> dict[str, int]:
    """Pairs each blocking rule adds (beyond the rules before it), counted exactly by Splink's
    blocking analysis before any scoring; refuses a run that would be too large."""
    rows = linker.blocking_analysis.count_comparisons_from_blocking_rules(record_sample_proportion=1.0)
    counts = {name: int(row["marginal_comparison_count"]) for name, row in zip(rule_names, rows, strict=True)}
    total = sum(counts.values())
    if total > MAX_COMPARISONS:
        worst = max(counts, key=lambda k: counts[k])
        raise TooManyComparisons(
            f"the blocking rules would score {total:,} pairs (most from {worst}); the limit is {MAX_COMPARISONS:,}"
        )
    return counts


def save_model_charts(linker: Linker, folder: Path, pairs: list[dict[str, Any]] | None = None) -> list[Path]:
    """Splink's match weights and m/u charts, and a waterfall of ``pairs`` (Splink predict
    rows), as self-contained HTML (the Vega scripts inlined: no network needed)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, chart in (
        ("match_weights.html", linker.visualisations.match_weights_chart()),
        ("m_u_parameters.html", linker.visualisations.m_u_parameters_chart()),
    ):
        chart.save(str(folder / name), inline=True)  # type: ignore[no-untyped-call]
        written.append(folder / name)
    if pairs:
        linker.visualisations.waterfall_chart(pairs, filter_nulls=True).save(  # type: ignore[no-untyped-call]
            str(folder / "waterfall.html"), inline=True
        )
        written.append(folder / "waterfall.html")
    return written


class LevelWeights(TypedDict):
    gamma: int
    label: str
    sql: str
    is_null_level: bool
    match_weight: float  # log2(m/u) with Splink's clamping and default m/u for untrained levels
    tf_column: str | None  # term-frequency adjusted on this column, if any
    tf_weight: float
    tf_log2_u_exact: float  # log2 of the u of the exact-match level the adjustment is relative to
    tf_minimum_u: float


class ComparisonWeights(TypedDict):
    name: str
    levels: list[LevelWeights]


def model_weights(splink_model: dict[str, Any]) -> tuple[float, list[ComparisonWeights]]:
    """The prior match weight and every level's weights, read through Splink's own settings
    objects so defaults and clamping are exactly Splink's (used to compile a real-time scorer)."""
    settings = SettingsCreator.from_path_or_dict(splink_model).get_settings("duckdb")
    comparisons: list[ComparisonWeights] = []
    for comparison in settings.comparisons:
        levels: list[LevelWeights] = []
        for level in comparison.comparison_levels:
            adjusted = bool(level._has_tf_adjustments) and not (level.is_null_level or level._is_else_level)
            levels.append(
                LevelWeights(
                    gamma=int(level.comparison_vector_value),
                    label=str(level.label_for_charts),
                    sql=str(level.sql_condition),
                    is_null_level=bool(level.is_null_level),
                    match_weight=float(level._match_weight),
                    tf_column=level._tf_adjustment_input_column.unquote().name if adjusted else None,
                    tf_weight=float(level._tf_adjustment_weight),
                    tf_log2_u_exact=(
                        math.log2(level._u_probability_corresponding_to_exact_match(comparison.comparison_levels))
                        if adjusted
                        else 0.0
                    ),
                    tf_minimum_u=float(level._tf_minimum_u_value),
                )
            )
        comparisons.append(ComparisonWeights(name=str(comparison.output_column_name), levels=levels))
    return prob_to_match_weight(settings._probability_two_random_records_match), comparisons
