"""Evaluation against a truth file: precision, recall and F1 at the thresholds, a PR curve,
and the hard cases (twins, families, common names, and the corruptions a match must
survive). Pairs under a must-not-link rule are never auto-confirmed, so they count as
not linked."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb
import pyarrow as pa

from graph.domain.clustering import Edge, cluster
from matching.linkage.decision import decision_sql
from matching.linkage.thresholds import Counts, PRCurve, Thresholds, choose_thresholds, pr_curve

# Stewards review enough pairs to bring the links they could confirm to this recall.
REVIEW_RECALL = 0.99

# Truth tags (boolean columns of the truth file) whose true pairs are worth a recall figure.
RECALL_TAGS = (
    "name_changed", "moved", "nickname_used", "typo", "dob_transposed", "missing_fields",
    "member_id_mistyped", "within_payer_duplicate", "common_name", "in_family",
)  # fmt: skip


@dataclass
class Evaluation:
    curve: PRCurve
    thresholds: Thresholds
    auto: Counts
    review: Counts
    clusters: Counts
    hard_negatives: dict[str, int] = field(default_factory=dict)  # wrong auto-confirmed links by kind
    recall_by_tag: dict[str, float] = field(default_factory=dict)

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
    con = duckdb.connect()
    try:
        con.register("pairs", pairs)
        con.register("truth", truth)
        labelled = con.sql(
            """SELECT p.left_record_id, p.right_record_id, p.match_weight, p.must_not_link,
                      tl.person_id = tr.person_id AS is_match, tl.person_id AS pl, tr.person_id AS pr
               FROM pairs p JOIN truth tl ON tl.record_id = p.left_record_id
                            JOIN truth tr ON tr.record_id = p.right_record_id"""
        ).to_arrow_table()
        con.register("labelled", labelled)
        total = int(
            con.sql(
                "SELECT coalesce(sum(n * (n - 1) / 2), 0) FROM (SELECT count(*) n FROM truth GROUP BY person_id)"
            ).fetchall()[0][0]
        )
        confirmable = con.sql(
            "SELECT match_weight, is_match FROM labelled WHERE must_not_link IS NULL"
        ).to_arrow_table()
        curve = pr_curve(
            confirmable.column("match_weight").to_numpy(),
            confirmable.column("is_match").to_numpy(zero_copy_only=False),
            total,
        )
        chosen = thresholds or choose_thresholds(curve, precision_target=precision_target, recall_target=REVIEW_RECALL)
        review = _review_counts(con, chosen, total)
        clusters = _cluster_counts(con, records, chosen.auto_confirm, total)
        hard = _hard_negatives(con, persons, chosen.auto_confirm)
        by_tag = _recall_by_tag(con, truth, chosen.auto_confirm)
    finally:
        con.close()
    return Evaluation(curve, chosen, curve.at(chosen.auto_confirm), review, clusters, hard, by_tag)


def _review_counts(con: duckdb.DuckDBPyConnection, thresholds: Thresholds, total: int) -> Counts:
    """Pairs that are links or candidates (decision confirm or review)."""
    tp, found = con.sql(
        f"SELECT coalesce(sum(is_match::INT), 0), count(*) FROM labelled WHERE {decision_sql(thresholds)} <> 'no_link'"
    ).fetchall()[0]
    return Counts(thresholds.review, int(tp), int(found) - int(tp), total - int(tp))


def _cluster_counts(con: duckdb.DuckDBPyConnection, records: list[str], auto: float, total: int) -> Counts:
    links = con.sql(
        "SELECT left_record_id, right_record_id, match_weight FROM labelled"
        f" WHERE must_not_link IS NULL AND match_weight >= {auto}"
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


def _hard_negatives(con: duckdb.DuckDBPyConnection, persons: pa.Table | None, auto: float) -> dict[str, int]:
    wrong = f"FROM labelled l WHERE NOT l.is_match AND l.must_not_link IS NULL AND l.match_weight >= {auto}"
    out = {"all": int(con.sql(f"SELECT count(*) {wrong}").fetchall()[0][0])}
    if persons is not None and {"twin_of", "family_id"} <= set(persons.column_names):
        con.register("persons", persons)
        out["twins"] = int(
            con.sql(
                f"SELECT count(*) {wrong} AND EXISTS"
                " (SELECT 1 FROM persons p WHERE p.person_id = l.pl AND p.twin_of = l.pr)"
            ).fetchall()[0][0]
        )
        out["same_family"] = int(
            con.sql(
                f"SELECT count(*) {wrong} AND EXISTS (SELECT 1 FROM persons a"
                " JOIN persons b ON a.family_id = b.family_id"
                " WHERE a.person_id = l.pl AND b.person_id = l.pr AND a.family_id IS NOT NULL)"
            ).fetchall()[0][0]
        )
    return out


def _recall_by_tag(con: duckdb.DuckDBPyConnection, truth: pa.Table, auto: float) -> dict[str, float]:
    out: dict[str, float] = {}
    for tag in RECALL_TAGS:
        if tag not in truth.column_names:
            continue
        row = con.sql(
            f"""WITH tagged AS (SELECT person_id FROM truth WHERE {tag}),
                     truepairs AS (SELECT t1.record_id a, t2.record_id b FROM truth t1 JOIN truth t2
                        ON t1.person_id = t2.person_id AND t1.record_id < t2.record_id
                        WHERE (t1.{tag} OR t2.{tag}))
                SELECT count(*), count(l.a) FROM truepairs tp LEFT JOIN (
                    SELECT least(left_record_id, right_record_id) a, greatest(left_record_id, right_record_id) b
                    FROM labelled WHERE must_not_link IS NULL AND match_weight >= {auto}) l
                  ON l.a = tp.a AND l.b = tp.b"""
        ).fetchall()[0]
        if row[0]:
            out[tag] = row[1] / row[0]
    return out
