"""The compiled real-time scorer gives Splink's own match weights for the same model:
|Δ match weight| ≤ 1e-6 and the same level for every comparison, on thousands of pairs."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from matching.linkage import jobs, splink_adapter
from matching.linkage.constraints import broken_rule, must_not_link_sql
from matching.linkage.features import model_table
from matching.realtime.scorer import CompiledModel
from matching.realtime.term_frequencies import TermFrequencies

TOLERANCE = 1e-6


@pytest.fixture(scope="module")
def records(population: Path) -> pa.Table:
    files = sorted((population / "payers").glob("*.parquet"))
    return jobs.combined(jobs.load_inputs(files))


@pytest.fixture(scope="module")
def shaped(records: pa.Table, trained_model: jobs.TrainResult) -> pa.Table:
    return model_table(records, trained_model.model.notes["columns"])


@pytest.fixture(scope="module")
def compiled(trained_model: jobs.TrainResult) -> CompiledModel:
    return CompiledModel(trained_model.model)


@pytest.fixture(scope="module")
def frequencies(shaped: pa.Table, compiled: CompiledModel) -> TermFrequencies:
    return TermFrequencies.from_records(shaped.to_pylist(), compiled.tf_columns)


def _gammas(row: dict[str, Any], compiled: CompiledModel) -> dict[str, int]:
    return {c.name: int(row[f"gamma_{c.name}"]) for c in compiled.comparisons}


def _assert_agree(splink_rows: list[dict[str, Any]], by_id: dict[str, dict[str, Any]], compiled: CompiledModel,
                  frequencies: TermFrequencies) -> None:  # fmt: skip
    worst = 0.0
    for row in splink_rows:
        ours = compiled.score(by_id[row["record_id_l"]], by_id[row["record_id_r"]], frequencies)
        assert {c.comparison: c.gamma for c in ours.contributions} == _gammas(row, compiled), row["record_id_l"]
        worst = max(worst, abs(ours.match_weight - row["match_weight"]))
        assert abs(ours.match_probability - row["match_probability"]) <= TOLERANCE
    assert worst <= TOLERANCE, f"largest difference in match weight {worst}"


def test_random_pairs_score_as_splink_score_pairs_does(
    shaped: pa.Table, trained_model: jobs.TrainResult, compiled: CompiledModel, frequencies: TermFrequencies
) -> None:
    rows = shaped.to_pylist()
    rng = random.Random(7)
    left, right = rng.sample(rows, 70), rng.sample(rows, 70)
    with_tf = [{**r, **{f"tf_{c}": frequencies.tf(c, r.get(c)) for c in compiled.tf_columns}} for r in (*left, *right)]
    con = splink_adapter.connection(threads=1)
    try:
        linker = splink_adapter.build_linker(con, [shaped], trained_model.model.splink_model)
        frame = linker.inference.score_pairs(with_tf[: len(left)], with_tf[len(left) :])
        scored = con.sql(f"SELECT * FROM {frame.physical_name}").to_arrow_table().to_pylist()
    finally:
        con.close()
    assert len(scored) == len(left) * len(right)
    _assert_agree(scored, {r["record_id"]: r for r in rows}, compiled, frequencies)


def test_blocked_pairs_score_as_splink_predict_does(
    shaped: pa.Table, trained_model: jobs.TrainResult, compiled: CompiledModel, frequencies: TermFrequencies
) -> None:
    """Batch prediction computes term frequencies from its input: the same population."""
    con = splink_adapter.connection(threads=1)
    try:
        linker = splink_adapter.build_linker(con, [shaped], trained_model.model.splink_model)
        frame = linker.inference.predict(warning_mode="never")
        scored = con.sql(f"SELECT * FROM {frame.physical_name}").to_arrow_table().to_pylist()
    finally:
        con.close()
    assert len(scored) > 2000, "the population should give thousands of blocked pairs"
    _assert_agree(scored, {r["record_id"]: r for r in shaped.to_pylist()}, compiled, frequencies)


def test_must_not_link_rules_in_python_agree_with_their_sql(
    shaped: pa.Table, trained_model: jobs.TrainResult, records: pa.Table
) -> None:
    """Real-time decisions separate twins and relatives by the same rules batch matching uses."""
    columns = [c for c in trained_model.model.notes["columns"] if c in records.column_names] + ["middle_name_norm"]
    table = records.select(["record_id", *[c for c in columns if c != "record_id"]])
    rows = {r["record_id"]: r for r in table.to_pylist()}
    con = splink_adapter.connection(threads=1)
    try:
        linker = splink_adapter.build_linker(con, [shaped], trained_model.model.splink_model)
        frame = linker.inference.predict(warning_mode="never")
        blocked = con.sql(f"SELECT record_id_l AS a, record_id_r AS b FROM {frame.physical_name}").fetchall()
        rng = random.Random(3)
        ids = sorted(rows)
        pairs = pa.table({"a": [p[0] for p in blocked] + rng.choices(ids, k=3000),
                          "b": [p[1] for p in blocked] + rng.choices(ids, k=3000)})  # fmt: skip
        con.register("pairs", pairs)
        con.register("recs", table)
        sides = ", ".join(f'l."{c}" AS "{c}_l", r."{c}" AS "{c}_r"' for c in table.column_names)
        sql = (
            f"SELECT a, b, {must_not_link_sql(columns)} AS rule FROM (SELECT p.a, p.b, {sides} FROM pairs p"
            " JOIN recs l ON l.record_id = p.a JOIN recs r ON r.record_id = p.b)"
        )
        expected = con.sql(sql).fetchall()
    finally:
        con.close()
    assert len(expected) == pairs.num_rows
    fired = [e for e in expected if e[2]]
    assert len(fired) > 100, "the population should break every kind of rule"
    for a, b, rule in expected:
        assert broken_rule(rows[a], rows[b], columns) == rule, (a, b)
