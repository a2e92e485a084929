"""Populations and models shared by integration tests (real DuckDB, real Splink)."""

from __future__ import annotations

from pathlib import Path

import pytest

from matching.linkage import jobs
from matching.linkage.registry import ModelRegistry
from synthetic import GeneratorConfig, HistoryScope, generate


@pytest.fixture(scope="session")
def population(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated hard population (three payers, twins, families, switches)."""
    out = tmp_path_factory.mktemp("population") / "pop"
    generate(GeneratorConfig(members=1500, seed=11, history=HistoryScope.NONE), out)
    return out


@pytest.fixture(scope="session")
def trained_model(population: Path, tmp_path_factory: pytest.TempPathFactory) -> jobs.TrainResult:
    registry = ModelRegistry(tmp_path_factory.mktemp("registry"))
    files = sorted((population / "payers").glob("*.parquet"))
    return jobs.train_model(files, registry, truth=population / "truth.parquet", persons=population / "persons.parquet")
