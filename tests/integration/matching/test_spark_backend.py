"""`p2p match run --backend spark`: the same published model scored by Splink's Spark backend
(real pyspark in local mode, Splink's similarity jar) gives the run the DuckDB backend gives,
and `p2p graph load` loads it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from graph.loading import load_run
from graph.store import GraphStore
from matching.linkage import jobs
from matching.linkage.registry import ModelRegistry
from p2p.cli.main import app

pytestmark = pytest.mark.integration

runner = CliRunner()
WEIGHT_TOLERANCE = 1e-9  # the same arithmetic in two engines: only float rounding may differ


@pytest.fixture(scope="module")
def both_runs(
    population: Path, trained_model: jobs.TrainResult, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Path, str]:
    """The population scored once by each backend through the CLI, with the same model file."""
    folder = tmp_path_factory.mktemp("spark-runs")
    registry = ModelRegistry(folder / "registry")
    registry.save(trained_model.model)
    files = [str(p) for p in sorted((population / "payers").glob("*.parquet"))]
    outputs = {}
    for backend in ("duckdb", "spark"):
        out = folder / backend
        args = ["match", "run", *files, "--out", str(out), "--registry", str(registry.root),
                "--model", trained_model.model.version, "--backend", backend]  # fmt: skip
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        outputs[backend] = (out, result.output)
    summaries = {backend: " ".join(text.split()).split("; written to")[0] for backend, (_, text) in outputs.items()}
    assert summaries["spark"] == summaries["duckdb"]  # run id and counts
    return outputs["duckdb"][0], outputs["spark"][0], summaries["spark"]


def _pairs(folder: Path) -> dict[tuple[str, str], dict[str, object]]:
    rows = pq.read_table(folder / "pairs.parquet").to_pylist()
    return {(str(r["left_record_id"]), str(r["right_record_id"])): r for r in rows}


def test_spark_finds_the_same_pairs_with_the_same_weights_and_decisions(both_runs: tuple[Path, Path, str]) -> None:
    duck, spark, _ = both_runs
    by_duck, by_spark = _pairs(duck), _pairs(spark)
    assert len(by_duck) > 500  # links, candidates and must-not-link pairs of a hard population
    assert by_spark.keys() == by_duck.keys()
    for key, ours in by_duck.items():
        theirs = by_spark[key]
        assert theirs["match_weight"] == pytest.approx(ours["match_weight"], abs=WEIGHT_TOLERANCE), key
        same = ("decision", "blocking_rule", "must_not_link", "auto_confirm_blockers")
        assert {c: theirs[c] for c in same} == {c: ours[c] for c in same}, key
        levels = {c: v for c, v in ours.items() if c.startswith("gamma_")}
        assert {c: theirs[c] for c in levels} == levels, key
    decisions = {str(r["decision"]) for r in by_duck.values()}
    assert {"confirm", "review"} <= decisions


def test_a_spark_run_has_the_run_format_of_a_duckdb_run(both_runs: tuple[Path, Path, str]) -> None:
    duck, spark, _ = both_runs
    assert json.loads((spark / "run.json").read_text()) == json.loads((duck / "run.json").read_text())
    assert pq.read_schema(spark / "pairs.parquet") == pq.read_schema(duck / "pairs.parquet")
    records: pa.Table = pq.read_table(spark / "records.parquet")
    assert records.equals(pq.read_table(duck / "records.parquet"))


def test_graph_load_takes_a_spark_run_unchanged(both_runs: tuple[Path, Path, str], store: GraphStore) -> None:
    _, spark, _ = both_runs
    pairs = pq.read_table(spark / "pairs.parquet").to_pylist()
    report = load_run(store, spark)
    assert not report.already_loaded
    assert report.records == pq.read_metadata(spark / "records.parquet").num_rows
    assert report.links_created == sum(1 for p in pairs if p["decision"] in ("confirm", "review"))


def test_without_java_the_spark_backend_is_one_clear_error_and_writes_nothing(
    population: Path, trained_model: jobs.TrainResult, tmp_path: Path
) -> None:
    """In a process of its own: pyspark keeps its JVM for the life of a process."""
    registry = ModelRegistry(tmp_path / "registry")
    registry.save(trained_model.model)
    out = tmp_path / "run"
    files = [str(p) for p in sorted((population / "payers").glob("*.parquet"))]
    result = subprocess.run(
        [str(Path(sys.executable).with_name("p2p")), "match", "run", *files, "--out", str(out),
         "--registry", str(registry.root), "--model", trained_model.model.version, "--backend", "spark"],
        env={**os.environ, "JAVA_HOME": str(tmp_path / "no-jdk"), "P2P_JAVA_HOME": str(tmp_path / "no-jdk")},
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert "Spark could not start" in result.stderr + result.stdout
    assert "Traceback" not in result.stderr
    assert not out.exists()
