"""Matching jobs read the truth (and persons) file first: a wrong one fails at once, before
minutes of scoring or training, and before any chart is written."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from matching.canonical.errors import CanonicalDataError
from matching.linkage import jobs
from matching.linkage.registry import ModelRegistry
from tests.unit.test_registry import model


@pytest.fixture(autouse=True)
def nothing_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    def too_early(*_args: object, **_kwargs: object) -> None:
        pytest.fail("the extracts were read before the truth file")

    monkeypatch.setattr(jobs, "load_inputs", too_early)


def bad_truths(tmp_path: Path) -> list[tuple[Path, str]]:
    persons = tmp_path / "persons.parquet"
    pq.write_table(pa.table({"person_id": ["p1"], "twin_of": [None]}), persons)
    return [(tmp_path / "absent.parquet", r"absent\.parquet: no such file"), (persons, "needs record_id and person_id")]


def test_evaluate_refuses_an_unusable_truth_before_scoring_and_writes_nothing(tmp_path: Path) -> None:
    for truth, message in bad_truths(tmp_path):
        with pytest.raises(CanonicalDataError, match=message):
            jobs.evaluate_model([tmp_path / "extract.csv"], model(), truth, charts=tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_train_refuses_an_unusable_truth_or_a_missing_persons_file_before_training(tmp_path: Path) -> None:
    registry = ModelRegistry(tmp_path / "models")
    for truth, message in bad_truths(tmp_path):
        with pytest.raises(CanonicalDataError, match=message):
            jobs.train_model([tmp_path / "extract.csv"], registry, truth=truth, charts=tmp_path / "charts")
    truth = tmp_path / "truth.parquet"
    pq.write_table(pa.table({"record_id": ["r1"], "person_id": ["p1"]}), truth)
    with pytest.raises(CanonicalDataError, match=r"typo\.parquet: no such file"):
        jobs.train_model([tmp_path / "extract.csv"], registry, truth=truth, persons=tmp_path / "typo.parquet")
    assert not (tmp_path / "charts").exists() and not (tmp_path / "models").exists()
