"""A population matched and loaded into the real Neo4j once per module, and a $member-match
context answering as payer-a with the population's trained model."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from exchange.member_match.service import MatchContext
from exchange.member_match.setup import match_context
from graph.loading import load_run
from graph.maintenance import delete_all_data
from graph.store import GraphStore
from matching.linkage import jobs
from p2p.settings import Settings
from synthetic.switch_requests import payer_identifier
from tests.integration.graph.conftest import make_run  # noqa: F401  (shared fixture: hand-written matching runs)

PAYER = "payer-a"


def payer_settings(settings: Settings, **overrides: Any) -> Settings:
    system, value = payer_identifier(PAYER)
    values = {"payer_id": PAYER, "payer_identifiers": [f"{system}|{value}"], **overrides}
    return settings.model_copy(update=values)


@pytest.fixture(scope="module")
def loaded(
    session_store: GraphStore,
    population: Path,
    trained_model: jobs.TrainResult,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[GraphStore]:
    """The whole population in the graph (all payers), as a batch run left it."""
    delete_all_data(session_store)
    run = tmp_path_factory.mktemp("run") / "run"
    jobs.run_model(sorted((population / "payers").glob("*.parquet")), trained_model.model, run)
    load_run(session_store, run)
    yield session_store
    delete_all_data(session_store)


@pytest.fixture(scope="module")
def switches(population: Path) -> list[dict[str, Any]]:
    """Payer switches away from payer-a: the requests payer-a must answer."""
    return [s for s in pq.read_table(population / "switches.parquet").to_pylist() if s["old_payer_id"] == PAYER]


@pytest.fixture(scope="module")
def truth(population: Path) -> dict[str, str]:
    return {r["record_id"]: r["person_id"] for r in pq.read_table(population / "truth.parquet").to_pylist()}


def context(settings: Settings, store: GraphStore, model: jobs.TrainResult, **overrides: Any) -> MatchContext:
    return match_context(payer_settings(settings, **overrides), store, model.model)
