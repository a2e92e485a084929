"""Training, versioning and evaluation on a generated hard population (real Splink + DuckDB)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from matching.linkage import jobs
from matching.linkage.registry import ModelRegistry


@pytest.fixture(scope="module")
def trained(trained_model: jobs.TrainResult) -> jobs.TrainResult:
    return trained_model


def test_auto_confirmed_links_are_precise_and_no_twins_or_relatives_are_merged(trained: jobs.TrainResult) -> None:
    figures = trained.model.evaluation
    assert figures["auto_confirmed_links"]["precision"] >= 0.999
    assert figures["auto_confirmed_links"]["recall"] >= 0.97
    assert figures["wrong_auto_confirmed_by_kind"]["twins"] == 0
    assert figures["wrong_auto_confirmed_by_kind"]["same_family"] == 0
    assert figures["clusters_pairwise"]["precision"] >= 0.999


def test_the_model_file_carries_version_thresholds_fingerprint_and_figures(trained: jobs.TrainResult) -> None:
    saved = json.loads(trained.path.read_text())
    assert saved["version"] == trained.model.version and trained.path.name == f"model-{saved['version']}.json"
    assert saved["thresholds"]["source"] == "labelled"
    assert saved["thresholds"]["auto_confirm"] > saved["thresholds"]["review"]
    assert len(saved["training_fingerprint"]) == 64
    assert saved["evaluation"]["true_pairs"] > 0
    assert saved["notes"]["blocking_rules"][0].startswith("SAME_")


def test_retraining_on_the_same_data_gives_the_same_version(
    trained: jobs.TrainResult, population: Path, tmp_path: Path
) -> None:
    files = sorted((population / "payers").glob("*.parquet"))
    again = jobs.train_model(files, ModelRegistry(tmp_path), truth=population / "truth.parquet")
    assert again.model.version == trained.model.version
    assert again.path.read_bytes() != b""


def test_a_changed_setting_gives_a_new_version(trained: jobs.TrainResult, population: Path, tmp_path: Path) -> None:
    files = sorted((population / "payers").glob("*.parquet"))
    stricter = jobs.train_model(
        files, ModelRegistry(tmp_path), truth=population / "truth.parquet", precision_target=0.9999999
    )
    without_truth = jobs.train_model(files, ModelRegistry(tmp_path))
    assert len({trained.model.version, stricter.model.version, without_truth.model.version}) >= 2
    assert without_truth.model.version != trained.model.version
    assert without_truth.model.thresholds_source == "default"


def test_evaluate_reproduces_the_training_figures(trained: jobs.TrainResult, population: Path) -> None:
    files = sorted((population / "payers").glob("*.parquet"))
    evaluation = jobs.evaluate_model(files, trained.model, population / "truth.parquet", population / "persons.parquet")
    assert evaluation.figures()["auto_confirmed_links"] == trained.model.evaluation["auto_confirmed_links"]


def test_blocking_analysis_counts_the_pairs_of_every_rule_before_training(trained: jobs.TrainResult) -> None:
    counts = trained.model.notes["comparisons_by_blocking_rule"]
    assert list(counts) == trained.model.notes["blocking_rules"]
    assert all(isinstance(v, int) and v >= 0 for v in counts.values()) and sum(counts.values()) > 0


def test_evaluate_saves_splink_charts_that_open_offline(
    trained: jobs.TrainResult, population: Path, tmp_path: Path
) -> None:
    files = sorted((population / "payers").glob("*.parquet"))
    jobs.evaluate_model(files, trained.model, population / "truth.parquet", charts=tmp_path)
    for name in ("match_weights.html", "m_u_parameters.html", "waterfall.html"):
        page = (tmp_path / name).read_text()
        assert "vegaEmbed" in page or "vega-embed" in page
        assert "<script src=" not in page  # scripts are inlined: no network needed
