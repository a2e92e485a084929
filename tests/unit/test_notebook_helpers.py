"""The small helpers the notebooks call: profiles, tables, scored pairs against the truth,
and two runs compared by the graph's supersession rules."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pytest

from graph.domain.links import LinkState
from matching import charts, profiling
from matching.canonical.pipeline import prepare
from matching.display import Rows
from matching.linkage import inspection, model_diff
from matching.linkage.thresholds import Thresholds


def test_completeness_counts_blank_as_missing_and_top_values_rank_by_count() -> None:
    table = pa.table({"sex": ["F", "M", "F", None, " "], "zip": ["1", "2", "3", "4", "5"]})
    filled = {r["column"]: (r["filled"], r["share"]) for r in profiling.completeness(table)}
    assert filled == {"sex": (3, 0.6), "zip": (5, 1.0)}
    assert profiling.top_values(table, "sex", limit=2) == [{"value": "F", "records": 2}, {"value": " ", "records": 1}]


def test_quality_profile_lists_rejects_and_nulled_values(tmp_path: Path) -> None:
    extract = tmp_path / "x.csv"
    extract.write_text("record_id,dob\nr1,1980-02-30\n,1970-01-01\nr2,1990-01-01\nr2,1990-01-02\n")
    prepared = [prepare(extract)]
    assert profiling.quality_summary(prepared) == [
        {"file": "x.csv", "rows_in": 4, "accepted": 1, "rejected": 3, "values_nulled": 1}
    ]
    reasons = {(r["kind"], r["reason"]): r["count"] for r in profiling.quality_reasons(prepared)}
    assert reasons == {
        ("row rejected", "duplicate_record_id"): 2,
        ("row rejected", "missing_record_id"): 1,
        ("value nulled", "dob_unparsable"): 1,
    }
    assert [r["reason"] for r in profiling.rejected_rows(prepared, limit=2)] == [
        "missing_record_id",
        "duplicate_record_id",
    ]
    assert profiling.nulled_values(prepared)[0]["value"] == "1980-02-30"


def test_rows_render_escaped_html_and_say_when_empty_or_cut() -> None:
    html = Rows([{"name": "<b>O'Neil</b>", "share": 0.123456}, {"name": "x"}], limit=1)._repr_html_()
    assert "&lt;b&gt;O&#x27;Neil&lt;/b&gt;" in html and "0.1235" in html and "1 more rows" in html
    assert Rows([])._repr_html_() == "<p>(no rows)</p>"


PAIRS = pa.table(
    {
        "left_record_id": ["a1", "a1", "b1", "c1", "d1"],
        "right_record_id": ["a2", "b1", "b2", "c2", "d2"],
        "match_weight": [20.0, 12.0, 3.0, 15.0, 18.0],
        "must_not_link": [None, None, None, "SAME_BIRTHDAY_SAME_SURNAME_DIFFERENT_FIRST_NAME", None],
        "auto_confirm_blockers": [None, None, None, None, "POSSIBLE_TWIN"],
        "mw_dob": [8.0, 6.0, 1.0, 8.0, 8.0],
        "mw_tf_adj_dob": [0.5, 0.0, 0.0, 0.0, 0.0],
        "gamma_dob": [4, 4, 1, 4, 4],
    }
)
TRUTH = pa.table(
    {
        "record_id": ["a1", "a2", "b1", "b2", "c1", "c2", "d1", "d2"],
        "person_id": ["A", "A", "B", "B", "C", "C2", "D", "D"],
    }
)
PERSONS = pa.table(
    {
        "person_id": ["A", "B", "C", "C2", "D"],
        "twin_of": [None, None, "C2", "C", None],
        "family_id": ["f1", "f1", "f2", "f2", None],
    }
)
THRESHOLDS = Thresholds(auto_confirm=10.0, review=5.0)


def test_labelled_pairs_decide_and_name_the_relation() -> None:
    labelled = inspection.labelled_pairs(PAIRS, TRUTH, THRESHOLDS, PERSONS)
    got = {(r["left_record_id"], r["right_record_id"]): (r["decision"], r["relation"]) for r in labelled.to_pylist()}
    assert got == {
        ("a1", "a2"): ("confirm", inspection.SAME_PERSON),
        ("d1", "d2"): ("review", inspection.SAME_PERSON),  # held by the guard
        ("c1", "c2"): ("review", inspection.TWINS),  # must-not-link above auto-confirm
        ("a1", "b1"): ("confirm", inspection.SAME_FAMILY),
        ("b1", "b2"): ("no_link", inspection.SAME_PERSON),
    }
    assert inspection.false_positives(labelled).column("right_record_id").to_pylist() == ["b1"]
    assert inspection.false_negatives(labelled).column("right_record_id").to_pylist() == ["d2", "b2"]
    assert inspection.held_by_guard(labelled, THRESHOLDS).column("left_record_id").to_pylist() == ["d1"]
    assert inspection.related_pairs(labelled).column("left_record_id").to_pylist() == ["c1", "a1"]
    assert {"relation": inspection.TWINS, "decision": "review", "pairs": 1} in inspection.counts_by(
        labelled, "relation", "decision"
    )
    with pytest.raises(ValueError, match="unknown"):
        inspection.counts_by(labelled, "no_such_column")


def test_without_persons_only_same_or_different_people() -> None:
    labelled = inspection.labelled_pairs(PAIRS, TRUTH, THRESHOLDS)
    assert set(labelled.column("relation").to_pylist()) == {inspection.SAME_PERSON, inspection.UNRELATED}


def test_waterfall_steps_add_up_to_the_match_weight() -> None:
    pair = PAIRS.to_pylist()[0]
    prior, steps = inspection.waterfall_steps(pair)
    assert steps == [("dob (level 4)", 8.5)]
    assert prior + sum(w for _, w in steps) == pytest.approx(20.0)
    spec = charts.waterfall_chart(prior, steps)
    assert spec["data"]["values"][-1]["end"] == pytest.approx(20.0)


def _run(rows: list[tuple[str, str, float, str]]) -> pa.Table:
    left, right, weight, decision = zip(*rows, strict=True)
    return pa.table({"left_record_id": left, "right_record_id": right, "match_weight": weight, "decision": decision})


OLD = _run([("a", "b", 20.0, "confirm"), ("c", "d", 8.0, "review"), ("e", "f", 9.0, "review")])
NEW = _run([("b", "a", 21.0, "confirm"), ("c", "d", 12.0, "confirm"), ("g", "h", 7.0, "review")])


def test_decision_changes_between_two_runs() -> None:
    changes = model_diff.decision_changes(OLD, NEW).to_pylist()
    assert [(c["left_record_id"], c["right_record_id"], c["old_decision"], c["new_decision"]) for c in changes] == [
        ("c", "d", "review", "confirm"),
        ("e", "f", "review", "no_link"),
        ("g", "h", "no_link", "review"),
    ]
    assert model_diff.change_counts(model_diff.decision_changes(OLD, NEW)) == [
        {"old": "no_link", "new": "review", "pairs": 1},
        {"old": "review", "new": "confirm", "pairs": 1},
        {"old": "review", "new": "no_link", "pairs": 1},
    ]


def test_graph_plan_supersedes_the_old_runs_links() -> None:
    plan = model_diff.graph_plan(OLD, NEW, actor="model:new")
    assert {t.link_id: t.to_state for t in plan.transitions} == {
        "old-a-b": LinkState.SUPERSEDED, "old-c-d": LinkState.SUPERSEDED, "old-e-f": LinkState.SUPERSEDED,
    }  # fmt: skip
    assert model_diff.plan_counts(plan) == {
        "create_candidate": 1,
        "create_confirmed": 2,
        "create_replacing_old_link": 2,
        "kept": 0,
        "old_link_superseded": 3,
    }


def test_bar_chart_keeps_the_row_order_and_bundles_for_jupyter() -> None:
    spec = charts.bar_chart([{"rule": "B", "n": 1}, {"rule": "A", "n": 5}], "rule", "n", title="t")
    assert spec["encoding"]["y"]["sort"] == ["B", "A"]
    assert charts.mime_bundle(spec)["application/vnd.vegalite.v5+json"] is spec


def test_transfers_touched_by_pairs_that_change_decision_are_named_with_how_many() -> None:
    changes = model_diff.decision_changes(OLD, NEW)  # (c,d) review->confirm, (e,f) review->none, (g,h) none->review
    transfers = {"T-1": ["c"], "T-2": ["x", "e", "f"], "T-3": ["a", "b"], "T-4": []}
    assert model_diff.affected_transfers(changes, transfers) == {"T-1": 1, "T-2": 2}
