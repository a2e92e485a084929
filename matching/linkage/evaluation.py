"""Evaluation against a truth file: precision, recall and F1 at the thresholds, a PR curve,
and the hard cases (twins, families, common names, and the corruptions a match must
survive). Pairs under a must-not-link rule or held by the auto-confirm guard are never
auto-confirmed, so they count as not linked; the pairs the guard holds at or above the
auto-confirm threshold are counted by kind (the wrong links it prevents, the true ones it
sends to a steward)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb
import pyarrow as pa

from graph.domain.clustering import Edge, cluster
from matching.linkage import hard_cases
from matching.linkage.blockers import BLOCKERS_COLUMN
from matching.linkage.decision import decision_sql
from matching.linkage.thresholds import Counts, PRCurve, Thresholds, choose_thresholds, pr_curve

# Stewards review enough pairs to bring the links they could confirm to this recall.
REVIEW_RECALL = 0.99


@dataclass
class Evaluation:
    curve: PRCurve
    thresholds: Thresholds
    auto: Counts
    review: Counts
    clusters: Counts
    hard_negatives: dict[str, int] = field(default_factory=dict)  # wrong auto-confirmed links by kind
    recall_by_tag: dict[str, float] = field(default_factory=dict)
    held_by_guard: dict[str, int] = field(default_factory=dict)  # pairs at or above auto-confirm, by kind

    def figures(self) -> dict[str, Any]:
        def row(c: Counts) -> dict[str, Any]:
            return {
                "threshold": round(c.threshold, 4), "precision": round(c.precision, 6), "recall": round(c.recall, 6),
                "f1": round(c.f1, 6), "true_positives": c.true_positives, "false_positives": c.false_positives,
                "false_negatives": c.false_negatives,
            }  # fmt: skip

        return {
            "true_pairs": self.curve.total_true,
            "auto_confirmed_links": row(self.auto),
            "links_and_review_candidates": row(self.review),
            "clusters_pairwise": row(self.clusters),
            "wrong_auto_confirmed_by_kind": self.hard_negatives,
            "held_for_review_by_guard": self.held_by_guard,
            "recall_of_auto_confirmed_by_tag": {k: round(v, 6) for k, v in self.recall_by_tag.items()},
        }

    def pr_rows(self, limit: int = 400) -> list[dict[str, float]]:
        step = max(1, len(self.curve.thresholds) // limit)
        return [
            {"match_weight": round(float(w), 3), "precision": float(p), "recall": float(r)}
            for w, p, r in zip(
                self.curve.thresholds[::step], self.curve.precision[::step], self.curve.recall[::step], strict=True
            )
        ]


def evaluate(
    pairs: pa.Table,
    records: list[str],
    truth: pa.Table,
    persons: pa.Table | None = None,
    thresholds: Thresholds | None = None,
    precision_target: float = 0.999,
) -> Evaluation:
    """``pairs`` are predictions (all scored pairs); ``thresholds`` None: choose them here."""
    common = "coalesce(tl.common_name OR tr.common_name, false)" if "common_name" in truth.column_names else "false"
    con = duckdb.connect()
    try:
        con.register("pairs", pairs)
        con.register("truth", truth)
        labelled = con.sql(
            f"""SELECT p.left_record_id, p.right_record_id, p.match_weight, p.must_not_link,
                       p.{BLOCKERS_COLUMN}, tl.person_id = tr.person_id AS is_match,
                       tl.person_id AS pl, tr.person_id AS pr, {common} AS common_name
                FROM pairs p JOIN truth tl ON tl.record_id = p.left_record_id
                             JOIN truth tr ON tr.record_id = p.right_record_id"""
        ).to_arrow_table()
        con.register("labelled", labelled)
        total = int(
            con.sql(
                "SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM (SELECT count(*) n FROM truth GROUP BY person_id)"
            ).fetchall()[0][0]
        )
        curve = _curve(con, f"must_not_link IS NULL AND {BLOCKERS_COLUMN} IS NULL", total)  # auto-confirmed
        chosen = thresholds or choose_thresholds(
            curve, precision_target, REVIEW_RECALL, review_curve=_curve(con, "must_not_link IS NULL", total)
        )
        review = _review_counts(con, chosen, total)
        clusters = _cluster_counts(con, records, chosen.auto_confirm, total)
        with_persons = persons is not None and {"twin_of", "family_id"} <= set(persons.column_names)
        if with_persons:
            con.register("persons", persons)
        auto = chosen.auto_confirm
        hard = hard_cases.wrong_auto_confirmed(con, with_persons, auto)
        held = hard_cases.held_by_guard(con, with_persons, auto)
        by_tag = hard_cases.recall_by_tag(con, truth.column_names, auto)
    finally:
        con.close()
    return Evaluation(curve, chosen, curve.at(auto), review, clusters, hard, by_tag, held)


def _curve(con: duckdb.DuckDBPyConnection, where: str, total: int) -> PRCurve:
    rows = con.sql(f"SELECT match_weight, is_match FROM labelled WHERE {where}").to_arrow_table()
    return pr_curve(
        rows.column("match_weight").to_numpy(), rows.column("is_match").to_numpy(zero_copy_only=False), total
    )


def _review_counts(con: duckdb.DuckDBPyConnection, thresholds: Thresholds, total: int) -> Counts:
    """Pairs that are links or candidates (decision confirm or review)."""
    tp, found = con.sql(
        f"SELECT coalesce(sum(is_match::INT), 0), count(*) FROM labelled WHERE {decision_sql(thresholds)} <> 'no_link'"
    ).fetchall()[0]
    return Counts(thresholds.review, int(tp), int(found) - int(tp), total - int(tp))


def _cluster_counts(con: duckdb.DuckDBPyConnection, records: list[str], auto: float, total: int) -> Counts:
    links = con.sql(
        f"SELECT left_record_id, right_record_id, match_weight FROM labelled l WHERE {hard_cases.auto_confirmed(auto)}"
    ).fetchall()
    forbidden = con.sql(
        "SELECT left_record_id, right_record_id FROM labelled WHERE must_not_link IS NOT NULL"
    ).fetchall()
    result = cluster(records, [Edge(a, b, w) for a, b, w in links], must_not_link=forbidden)
    con.register(
        "clusters", pa.table({"record_id": list(result.cluster_of), "cluster": list(result.cluster_of.values())})
    )
    tp, found = con.sql(
        """WITH pairs AS (SELECT c1.record_id a, c2.record_id b FROM clusters c1 JOIN clusters c2
                          ON c1.cluster = c2.cluster AND c1.record_id < c2.record_id)
           SELECT coalesce(sum((t1.person_id = t2.person_id)::INT), 0), count(*) FROM pairs
           JOIN truth t1 ON t1.record_id = pairs.a JOIN truth t2 ON t2.record_id = pairs.b"""
    ).fetchall()[0]
    return Counts(auto, int(tp), int(found) - int(tp), total - int(tp))
