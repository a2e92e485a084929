"""Shared fixtures. Integration tests run against the real Neo4j that `make test` starts
(or the external one named by NEO4J_URI); a database that cannot be reached fails the
run loudly instead of skipping."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.maintenance import delete_all_data
from graph.schema import apply_schema
from graph.store import GraphStore
from matching.linkage import jobs
from matching.linkage.registry import ModelRegistry
from p2p.bootstrap import ensure_neo4j, graph_store
from p2p.settings import Settings, load_settings
from synthetic import GeneratorConfig, HistoryScope, generate


@pytest.fixture(scope="session")
def settings() -> Settings:
    # Every test wipes and reuses one database: an API left running by one test (the session's
    # API, a payer's) must not sign checkpoints into another test's ledger with its keys. Tests
    # sign the checkpoints they need themselves.
    # For the same reason no API of a test snapshots SLA figures: a snapshot written in the middle of a
    # test that compares what the database holds before and after would read as something it wrote.
    return load_settings().model_copy(update={"audit_checkpoint_job": False, "sla_monitor_job": False})


@pytest.fixture(scope="session")
def session_store(settings: Settings) -> Iterator[GraphStore]:
    ensure_neo4j(settings)
    with graph_store(settings) as store:
        apply_schema(store)
        yield store


@pytest.fixture
def store(session_store: GraphStore) -> Iterator[GraphStore]:
    """A clean database (schema kept) for each test."""
    delete_all_data(session_store)
    yield session_store


@pytest.fixture(scope="session")
def population(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated hard population (three payers, twins, families, switches)."""
    out = tmp_path_factory.mktemp("population") / "pop"
    generate(GeneratorConfig(members=1500, seed=11, history=HistoryScope.NONE), out)
    return out


@pytest.fixture(scope="session")
def trained_model(population: Path, tmp_path_factory: pytest.TempPathFactory) -> jobs.TrainResult:
    """A model trained (real Splink) on the population, thresholds chosen on its truth."""
    registry = ModelRegistry(tmp_path_factory.mktemp("registry"))
    files = sorted((population / "payers").glob("*.parquet"))
    return jobs.train_model(files, registry, truth=population / "truth.parquet", persons=population / "persons.parquet")
