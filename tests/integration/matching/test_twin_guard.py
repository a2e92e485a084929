"""The auto-confirm guard on generated populations (real Splink + DuckDB): no twin pair is
auto-confirmed, precision and recall hold, and held pairs reach the run as candidates."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from matching.linkage import jobs, labels
from matching.linkage.blockers import BLOCKERS_COLUMN, level_labels
from matching.linkage.evaluation import Evaluation
from matching.linkage.guard import POSSIBLE_TWIN
from synthetic import GeneratorConfig, HistoryScope, generate

IDENTIFYING = {labels.FIRST_NAME_EXACT, labels.FIRST_NAME_TYPO, labels.FIRST_NAME_NICKNAME}


@pytest.fixture(scope="module")
def twin_heavy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test population's size with ten times the twins (a twin for 30% of children)."""
    out = tmp_path_factory.mktemp("twins") / "pop"
    generate(GeneratorConfig(members=1500, seed=12, twin_share=0.3, history=HistoryScope.NONE), out)
    return out


@pytest.fixture(scope="module")
def run_on_twins(trained_model: jobs.TrainResult, twin_heavy: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A matching run of the twin-heavy population by a model trained on another population,
    so its thresholds were not chosen on these twins."""
    out = tmp_path_factory.mktemp("run")
    jobs.run_model(sorted((twin_heavy / "payers").glob("*.parquet")), trained_model.model, out)
    return out


def twin_pairs(run: Path, population: Path) -> list[dict[str, object]]:
    con = duckdb.connect()
    con.register("pairs", pq.read_table(run / "pairs.parquet"))
    con.register("truth", pq.read_table(population / "truth.parquet"))
    con.register("persons", pq.read_table(population / "persons.parquet"))
    found = con.sql(
        """SELECT p.* FROM pairs p JOIN truth tl ON tl.record_id = p.left_record_id
                                   JOIN truth tr ON tr.record_id = p.right_record_id
                                   JOIN persons pl ON pl.person_id = tl.person_id
           WHERE pl.twin_of = tr.person_id"""
    )
    return [dict(zip(found.columns, row, strict=True)) for row in found.fetchall()]


def test_the_guard_sends_few_true_pairs_to_a_steward(trained_model: jobs.TrainResult) -> None:
    evaluation = trained_model.evaluation
    assert isinstance(evaluation, Evaluation)
    assert evaluation.held_by_guard["true_matches"] <= 0.01 * evaluation.auto.true_positives


def test_twins_the_first_name_cannot_tell_apart_are_held_for_review_never_confirmed(
    run_on_twins: Path, twin_heavy: Path, trained_model: jobs.TrainResult
) -> None:
    first_name = level_labels(trained_model.model.splink_model)["first_name"]
    auto = trained_model.model.thresholds.auto_confirm
    strong = [p for p in twin_pairs(run_on_twins, twin_heavy) if p["match_weight"] >= auto and not p["must_not_link"]]
    unidentified = [p for p in strong if first_name[int(str(p["gamma_first_name"]))] not in IDENTIFYING]
    assert unidentified, "the twin-heavy population should have twins scoring above auto-confirm"
    assert all(p[BLOCKERS_COLUMN] == POSSIBLE_TWIN and p["decision"] == "review" for p in unidentified)


def test_the_evaluation_shows_the_twins_the_guard_held(trained_model: jobs.TrainResult, twin_heavy: Path) -> None:
    files = sorted((twin_heavy / "payers").glob("*.parquet"))
    evaluation = jobs.evaluate_model(
        files, trained_model.model, twin_heavy / "truth.parquet", twin_heavy / "persons.parquet"
    )
    held = evaluation.figures()["held_for_review_by_guard"]
    assert held["wrong_twins"] >= 1 and held["all"] == held["true_matches"] + held["wrong_all"]
    assert set(evaluation.figures()["wrong_auto_confirmed_by_kind"]) == {"all", "twins", "same_family", "common_name"}
