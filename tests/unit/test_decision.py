import duckdb
import pytest

from matching.linkage.decision import PairDecision, decide, decision_sql
from matching.linkage.thresholds import Thresholds

T = Thresholds(auto_confirm=10.0, review=3.0)


@pytest.mark.parametrize(
    ("weight", "rule", "expected"),
    [
        (12.0, None, PairDecision.CONFIRM),
        (10.0, None, PairDecision.CONFIRM),
        (12.0, "SAME_BIRTHDAY_SAME_SURNAME_DIFFERENT_FIRST_NAME", PairDecision.REVIEW),
        (5.0, None, PairDecision.REVIEW),
        (3.0, None, PairDecision.REVIEW),
        (5.0, "DIFFERENT_FULL_SSN", PairDecision.NO_LINK),
        (2.9, None, PairDecision.NO_LINK),
    ],
)
def test_decision_table(weight: float, rule: str | None, expected: PairDecision) -> None:
    assert decide(weight, rule, T) == expected


def test_sql_and_python_decide_alike() -> None:
    weights = [w / 4 for w in range(-20, 60)]
    rows = [(w, r) for w in weights for r in (None, "DIFFERENT_FULL_SSN")]
    con = duckdb.connect()
    con.execute("CREATE TABLE p (match_weight DOUBLE, must_not_link VARCHAR)")
    con.executemany("INSERT INTO p VALUES (?, ?)", rows)
    sql_results = con.sql(f"SELECT match_weight, must_not_link, {decision_sql(T)} FROM p").fetchall()
    assert [(w, r, decide(w, r, T).value) for w, r in rows] == sorted(
        sql_results, key=lambda x: rows.index((x[0], x[1]))
    )
