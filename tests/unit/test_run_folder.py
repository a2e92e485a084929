"""A run folder is complete and of one run, or it is refused before anything is loaded; a run
written over an earlier one never leaves its tables under the earlier run's name."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from graph.run_folder import RunFolderError, read_run_meta
from matching.linkage import runs
from matching.linkage.prediction import Predictions
from tests.unit.test_registry import model

RECORDS = pa.table({"record_id": ["r1", "r2", "r3"], "first_name": ["ann", "ann", "bob"]})
PAIRS = pa.table({
    "left_record_id": ["r1"], "right_record_id": ["r2"], "match_weight": [12.0], "match_probability": [0.9998],
    "must_not_link": pa.array([None], pa.string()), "auto_confirm_blockers": pa.array([None], pa.string()),
})  # fmt: skip


def written_run(folder: Path) -> Path:
    runs.write_run(model(), RECORDS, Predictions(PAIRS, []), folder)
    return folder


def test_a_run_as_match_run_writes_it_is_accepted(tmp_path: Path) -> None:
    meta = read_run_meta(written_run(tmp_path / "run"))
    assert meta["records"] == 3 and meta["pairs"] == 1


def test_a_hand_made_run_without_counts_is_accepted(tmp_path: Path) -> None:
    folder = written_run(tmp_path / "run")
    (folder / "run.json").write_text(json.dumps({"run_id": "r", "model_version": "m"}))
    assert read_run_meta(folder)["run_id"] == "r"


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda f: (f / "run.json").unlink(), "is not a matching run folder (no run.json)"),
        (lambda f: (f / "run.json").write_text('{"run_id": '), "run.json is not valid JSON"),
        (lambda f: (f / "run.json").write_text("[]"), "does not name a run_id and a model_version"),
        (lambda f: (f / "run.json").write_text('{"run_id": "x"}'), "does not name a run_id and a model_version"),
        (lambda f: (f / "records.parquet").unlink(), "records.parquet is missing"),
        (lambda f: (f / "pairs.parquet").write_bytes(b"half a file"), "pairs.parquet is not a readable Parquet"),
        (lambda f: pq.write_table(RECORDS.slice(0, 2), f / "records.parquet"), "holds 2 rows but run.json says 3"),
        (lambda f: pq.write_table(PAIRS.drop_columns(["must_not_link"]), f / "pairs.parquet"), "lacks the columns"),
    ],
)
def test_an_incomplete_damaged_or_mixed_folder_is_refused_with_what_to_do(
    tmp_path: Path, damage: object, message: str
) -> None:
    folder = written_run(tmp_path / "run")
    damage(folder)  # type: ignore[operator]
    with pytest.raises(RunFolderError, match="p2p match run") as refused:
        read_run_meta(folder)
    assert message in str(refused.value)


def test_a_run_stopped_halfway_over_an_earlier_run_no_longer_looks_complete(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = written_run(tmp_path / "run")
    real = runs.write_table

    def stops_at_the_pairs(table: pa.Table, out: Path) -> Path:
        if out.name == runs.PAIRS_FILE:
            raise KeyboardInterrupt
        return real(table, out)

    monkeypatch.setattr(runs, "write_table", stops_at_the_pairs)
    with pytest.raises(KeyboardInterrupt):
        runs.write_run(model(), RECORDS.slice(0, 2), Predictions(PAIRS, []), folder)
    assert not (folder / "run.json").exists()
    with pytest.raises(RunFolderError, match=r"no run\.json"):
        read_run_meta(folder)
