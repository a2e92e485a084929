"""The hard cases of an evaluation: wrong auto-confirmed links by kind (twins, families,
common names), what the auto-confirm guard holds for review, and recall by truth tag.

Each function counts on a DuckDB connection where ``labelled`` (the scored pairs with
``is_match``, the two person ids ``pl`` and ``pr``, ``common_name``, ``must_not_link`` and
``auto_confirm_blockers``), ``truth`` and, with ``with_persons``, ``persons`` are registered.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from matching.linkage.blockers import BLOCKERS_COLUMN

# Truth tags (boolean columns of the truth file) whose true pairs are worth a recall figure.
RECALL_TAGS = (
    "name_changed", "moved", "nickname_used", "typo", "dob_transposed", "missing_fields",
    "member_id_mistyped", "within_payer_duplicate", "common_name", "in_family",
)  # fmt: skip


def auto_confirmed(auto: float) -> str:
    """Pairs of ``labelled l`` that are auto-confirmed: no rule, no blocker, weight at or above."""
    return f"l.must_not_link IS NULL AND l.{BLOCKERS_COLUMN} IS NULL AND l.match_weight >= {auto!r}"


def wrong_auto_confirmed(con: duckdb.DuckDBPyConnection, with_persons: bool, auto: float) -> dict[str, int]:
    return _by_kind(con, with_persons, f"NOT l.is_match AND {auto_confirmed(auto)}")


def held_by_guard(con: duckdb.DuckDBPyConnection, with_persons: bool, auto: float) -> dict[str, int]:
    """What the guard alone keeps from auto-confirmation (pairs at or above the threshold,
    under no must-not-link rule): all, the true matches it sends to a steward, and the
    wrong links it prevents by kind (``wrong_twins``, ...)."""
    held = f"l.must_not_link IS NULL AND l.{BLOCKERS_COLUMN} IS NOT NULL AND l.match_weight >= {auto!r}"
    wrong = _by_kind(con, with_persons, f"{held} AND NOT l.is_match")
    return {
        "all": _count(con, held),
        "true_matches": _count(con, f"{held} AND l.is_match"),
        **{f"wrong_{kind}": n for kind, n in wrong.items()},
    }


def _by_kind(con: duckdb.DuckDBPyConnection, with_persons: bool, where: str) -> dict[str, int]:
    """Pairs of ``labelled l`` meeting ``where``: all, between twins and within a family
    (with a persons file), and involving a very common name."""
    out = {"all": _count(con, where)}
    if with_persons:
        out["twins"] = _count(
            con, f"{where} AND EXISTS (SELECT 1 FROM persons p WHERE p.person_id = l.pl AND p.twin_of = l.pr)"
        )
        out["same_family"] = _count(
            con,
            f"{where} AND EXISTS (SELECT 1 FROM persons a JOIN persons b ON a.family_id = b.family_id"
            " WHERE a.person_id = l.pl AND b.person_id = l.pr AND a.family_id IS NOT NULL)",
        )
    out["common_name"] = _count(con, f"{where} AND l.common_name")
    return out


def _count(con: duckdb.DuckDBPyConnection, where: str) -> int:
    return int(con.sql(f"SELECT count(*) FROM labelled l WHERE {where}").fetchall()[0][0])


def recall_by_tag(con: duckdb.DuckDBPyConnection, truth_columns: Sequence[str], auto: float) -> dict[str, float]:
    """Recall of auto-confirmed links among the true pairs with a record carrying each tag."""
    out: dict[str, float] = {}
    for tag in RECALL_TAGS:
        if tag not in truth_columns:
            continue
        row = con.sql(
            f"""WITH tagged AS (SELECT person_id FROM truth WHERE {tag}),
                     truepairs AS (SELECT t1.record_id a, t2.record_id b FROM truth t1 JOIN truth t2
                        ON t1.person_id = t2.person_id AND t1.record_id < t2.record_id
                        WHERE (t1.{tag} OR t2.{tag}))
                SELECT count(*), count(l.a) FROM truepairs tp LEFT JOIN (
                    SELECT least(left_record_id, right_record_id) a, greatest(left_record_id, right_record_id) b
                    FROM labelled l WHERE {auto_confirmed(auto)}) l
                  ON l.a = tp.a AND l.b = tp.b"""
        ).fetchall()[0]
        if row[0]:
            out[tag] = row[1] / row[0]
    return out
