"""Scored pairs seen against the truth, for matching engineers (the notebooks): each pair's
decision, whether it is a true match and how the two people are related, the false
positives and negatives, the pairs the auto-confirm guard held, a pair's match weight as
waterfall steps, and the m and u parameters of a model."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import duckdb
import pyarrow as pa

from matching.linkage.blockers import BLOCKERS_COLUMN
from matching.linkage.decision import decision_sql
from matching.linkage.splink_adapter import model_weights
from matching.linkage.thresholds import PRCurve, Thresholds, choose_thresholds

# How the people of a pair's two records are related (with a persons file; otherwise
# only "same person" and "different people").
SAME_PERSON, TWINS, SAME_FAMILY, UNRELATED = "same person", "twins", "same family", "different people"


def labelled_pairs(
    pairs: pa.Table, truth: pa.Table, thresholds: Thresholds, persons: pa.Table | None = None
) -> pa.Table:
    """``pairs`` (scored pairs with ``must_not_link`` and the guard's blockers) with the
    ``decision`` at ``thresholds``, ``is_match`` and ``relation`` from the truth."""
    with_persons = persons is not None and {"twin_of", "family_id"} <= set(persons.column_names)
    con = duckdb.connect()
    try:
        con.register("pairs", pairs)
        con.register("truth", truth.select(["record_id", "person_id"]))
        con.register(
            "persons", persons if with_persons else pa.table({"person_id": [], "twin_of": [], "family_id": []})
        )
        return con.sql(
            f"""SELECT p.*, {decision_sql(thresholds)} AS decision, tl.person_id = tr.person_id AS is_match,
                   CASE WHEN tl.person_id = tr.person_id THEN '{SAME_PERSON}'
                        WHEN pl.twin_of = tr.person_id THEN '{TWINS}'
                        WHEN pl.family_id IS NOT NULL AND pl.family_id = pr.family_id THEN '{SAME_FAMILY}'
                        ELSE '{UNRELATED}' END AS relation
                FROM pairs p JOIN truth tl ON tl.record_id = p.left_record_id
                             JOIN truth tr ON tr.record_id = p.right_record_id
                LEFT JOIN persons pl ON pl.person_id = tl.person_id
                LEFT JOIN persons pr ON pr.person_id = tr.person_id
                ORDER BY p.match_weight DESC, p.left_record_id, p.right_record_id"""
        ).to_arrow_table()
    finally:
        con.close()


def _where(labelled: pa.Table, condition: str) -> pa.Table:
    con = duckdb.connect()
    try:
        con.register("labelled", labelled)
        return con.sql(f"SELECT * FROM labelled WHERE {condition}").to_arrow_table()
    finally:
        con.close()


def false_positives(labelled: pa.Table) -> pa.Table:
    """Pairs auto-confirmed although they are two people, strongest first."""
    return _where(labelled, "decision = 'confirm' AND NOT is_match")


def false_negatives(labelled: pa.Table) -> pa.Table:
    """True pairs that were scored but not auto-confirmed, strongest first (true pairs that
    no blocking rule produced are not scored, so they are not here)."""
    return _where(labelled, "decision <> 'confirm' AND is_match")


def held_by_guard(labelled: pa.Table, thresholds: Thresholds) -> pa.Table:
    """Pairs the auto-confirm guard alone sent to review (at or above auto-confirm, no rule)."""
    auto = float(thresholds.auto_confirm)
    return _where(labelled, f"must_not_link IS NULL AND {BLOCKERS_COLUMN} IS NOT NULL AND match_weight >= {auto!r}")


def non_matches(labelled: pa.Table) -> pa.Table:
    """Pairs of two different people, strongest first (the closest calls, whatever the decision)."""
    return _where(labelled, "NOT is_match")


def related_pairs(labelled: pa.Table) -> pa.Table:
    """Pairs between twins or members of one family, strongest first."""
    return _where(labelled, f"relation IN ('{TWINS}', '{SAME_FAMILY}')")


def counts_by(labelled: pa.Table, *columns: str) -> list[dict[str, Any]]:
    """Scored pairs counted by the values of ``columns`` (e.g. relation and decision)."""
    unknown = set(columns) - set(labelled.column_names)
    if not columns or unknown:
        raise ValueError(f"count by which columns? unknown: {sorted(unknown)}")
    counted = labelled.group_by(list(columns)).aggregate([([], "count_all")])
    rows = [{**{c: r[c] for c in columns}, "pairs": r["count_all"]} for r in counted.to_pylist()]
    return sorted(rows, key=lambda r: tuple(str(r[c]) for c in columns))


def thresholds_for_targets(curve: PRCurve, targets: Sequence[float]) -> list[dict[str, Any]]:
    """For each precision target: the auto-confirm threshold it gives and the precision,
    recall and errors of auto-confirmed links there."""
    rows = []
    for target in targets:
        counts = curve.at(choose_thresholds(curve, target).auto_confirm)
        rows.append(
            {"precision_target": target, "auto_confirm": counts.threshold, "precision": counts.precision,
             "recall": counts.recall, "false_positives": counts.false_positives,
             "false_negatives": counts.false_negatives}
        )  # fmt: skip
    return rows


def waterfall_steps(pair: Mapping[str, Any]) -> tuple[float, list[tuple[str, float]]]:
    """A scored pair's match weight as the prior and one step per comparison (its level's
    weight plus any term-frequency adjustment), for ``matching.charts.waterfall_chart``."""
    steps: list[tuple[str, float]] = []
    for key, value in pair.items():
        if not key.startswith("mw_") or key.startswith("mw_tf_adj_"):
            continue
        name = key.removeprefix("mw_")
        weight = float(value or 0.0) + float(pair.get(f"mw_tf_adj_{name}") or 0.0)
        steps.append((f"{name} (level {pair.get(f'gamma_{name}')})", weight))
    return float(pair["match_weight"]) - sum(w for _, w in steps), steps


def m_u_rows(splink_model: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every comparison level of a saved Splink model (but the null levels) with its m and u
    probabilities (None where training never saw the level) and its match weight as Splink
    computes it (defaults and clamping included)."""
    _prior, weights = model_weights(dict(splink_model))
    rows = []
    for comparison, weighted in zip(splink_model["comparisons"], weights, strict=True):
        for level, w in zip(comparison["comparison_levels"], weighted["levels"], strict=True):
            if w["is_null_level"]:
                continue
            rows.append(
                {"comparison": weighted["name"], "level": w["label"], "m_probability": level.get("m_probability"),
                 "u_probability": level.get("u_probability"), "match_weight": w["match_weight"]}
            )  # fmt: skip
    return rows
