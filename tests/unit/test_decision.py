import duckdb
import pytest

from matching.linkage.blockers import split_codes
from matching.linkage.decision import PairDecision, decide, decision_sql
from matching.linkage.thresholds import Thresholds

T = Thresholds(auto_confirm=10.0, review=3.0)


@pytest.mark.parametrize(
    ("weight", "rule", "blockers", "expected"),
    [
        (12.0, None, (), PairDecision.CONFIRM),
        (10.0, None, (), PairDecision.CONFIRM),
        (12.0, "SAME_BIRTHDAY_SAME_SURNAME_DIFFERENT_FIRST_NAME", (), PairDecision.REVIEW),
        (12.0, None, ("POSSIBLE_TWIN",), PairDecision.REVIEW),
        (40.0, None, ("POSSIBLE_TWIN",), PairDecision.REVIEW),  # however high the score
        (5.0, None, ("POSSIBLE_TWIN",), PairDecision.REVIEW),
        (5.0, None, (), PairDecision.REVIEW),
        (3.0, None, (), PairDecision.REVIEW),
        (5.0, "DIFFERENT_FULL_SSN", (), PairDecision.NO_LINK),
        (2.9, None, (), PairDecision.NO_LINK),
        (2.9, None, ("POSSIBLE_TWIN",), PairDecision.NO_LINK),
    ],
)
def test_decision_table(weight: float, rule: str | None, blockers: tuple[str, ...], expected: PairDecision) -> None:
    assert decide(weight, rule, T, blockers) == expected


def test_sql_and_python_decide_alike() -> None:
    weights = [w / 4 for w in range(-20, 60)]
    rows = [(w, r, b) for w in weights for r in (None, "DIFFERENT_FULL_SSN") for b in (None, "POSSIBLE_TWIN")]
    con = duckdb.connect()
    con.execute("CREATE TABLE p (match_weight DOUBLE, must_not_link VARCHAR, auto_confirm_blockers VARCHAR)")
    con.executemany("INSERT INTO p VALUES (?, ?, ?)", rows)
    sql_results = con.sql(f"SELECT match_weight, must_not_link, auto_confirm_blockers, {decision_sql(T)} FROM p")
    expected = {(w, r, b): decide(w, r, T, split_codes(b)).value for w, r, b in rows}
    assert {(w, r, b): d for w, r, b, d in sql_results.fetchall()} == expected


def test_twins_with_related_names_are_kept_apart_when_an_identifier_disagrees() -> None:
    from matching.linkage.constraints import must_not_link_sql

    columns = ["dob", "last_name_norm", "first_name_norm", "first_name_variants", "middle_name_norm", "ssn_last4",
               "payer_id", "subscriber_id_norm", "member_id_norm", "relationship", "sex"]  # fmt: skip
    con = duckdb.connect()
    rows = con.sql(f"""
        SELECT name, {must_not_link_sql(columns)} AS rule FROM (VALUES
          ('jon and jack, different middle initial', '2013-02-12', '2013-02-12', 'kelly', 'kelly', 'jon', 'jack',
           ['john', 'jon'], ['jack', 'john'], 'eric', 'd', NULL, NULL, 'a', 'b', 's1', 's2', 'm1', 'm2', 'child', 'child', 'M', 'M'),
          ('jon and jack on one policy', '2013-02-12', '2013-02-12', 'kelly', 'kelly', 'jon', 'jack',
           ['john', 'jon'], ['jack', 'john'], NULL, NULL, NULL, NULL, 'a', 'a', 's1', 's1', 'm103', 'm104', 'child', 'child', 'M', 'M'),
          ('bob and robert, nothing disagrees', '1980-01-02', '1980-01-02', 'ng', 'ng', 'bob', 'robert',
           ['bob', 'robert'], ['robert'], NULL, 'j', '1234', '1234', 'a', 'b', 's1', 's2', 'm1', 'm2', 'self', 'self', 'M', 'M')
        ) AS t(name, dob_l, dob_r, last_name_norm_l, last_name_norm_r, first_name_norm_l, first_name_norm_r,
               first_name_variants_l, first_name_variants_r, middle_name_norm_l, middle_name_norm_r, ssn_last4_l,
               ssn_last4_r, payer_id_l, payer_id_r, subscriber_id_norm_l, subscriber_id_norm_r, member_id_norm_l,
               member_id_norm_r, relationship_l, relationship_r, sex_l, sex_r)
        ORDER BY name""").fetchall()
    assert dict(rows) == {
        "bob and robert, nothing disagrees": None,
        "jon and jack on one policy": "TWINS_SAME_POLICY_DIFFERENT_MEMBER_ID",
        "jon and jack, different middle initial": "TWINS_DIFFERENT_MIDDLE_NAME",
    }
