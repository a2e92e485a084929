"""Payer A on the test Neo4j and payer B on a second Neo4j server of its own, both APIs on
loopback HTTP. Payer B's server starts once per session (about 20 s)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graph import server
from graph.maintenance import delete_all_data
from graph.schema import apply_schema
from graph.store import GraphStore
from matching.linkage import jobs
from p2p.bootstrap import ensure_neo4j, graph_store
from p2p.ports import free_port
from p2p.settings import Settings
from tests.support.two_payers import A_NPI, B_NPI, TwoPayers, load_payer_a, load_payer_b, two_payers, write_member_data

FAST_RETRIES = {"transfer_retry_base_s": 0.05, "transfer_retry_cap_s": 0.2, "transfer_max_attempts": 4,
                "transfer_hold_recheck_s": 0.2, "outbound_timeout_s": 2.0}  # fmt: skip


@pytest.fixture(scope="session")
def settings_b(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    root = tmp_path_factory.mktemp("payer-b")
    cfg = settings.model_copy(update={
        "neo4j_home": root / "neo4j", "neo4j_bolt_port": free_port(), "neo4j_http_port": free_port(),
        "neo4j_heap": "512m", "neo4j_pagecache": "64m", "payer_id": "payer-b", "payer_name": "Payer B",
        "payer_identifiers": [B_NPI], "data_dir": root / "data", **FAST_RETRIES,
    })  # fmt: skip
    ensure_neo4j(cfg)
    yield cfg
    server.stop(cfg)


@pytest.fixture(scope="session")
def session_store_b(settings_b: Settings) -> Iterator[GraphStore]:
    with graph_store(settings_b) as store:
        apply_schema(store)
        yield store


@pytest.fixture(scope="session")
def settings_a(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("payer-a")
    return settings.model_copy(update={
        "payer_id": "payer-a", "payer_name": "Payer A", "payer_identifiers": [A_NPI], "data_dir": root / "data",
        "member_data_dir": write_member_data(root / "member-data"), "hrex_version": "1.1.0",
        # A shares the test database with the session's API: one ledger, so one checkpoint key set
        # (with keys of its own, a checkpoint the other API signs would fail A's proofs)
        "audit_signing_key": settings.audit_signing_key_path, "audit_public_keys_dir": settings.audit_public_keys_path,
    })  # fmt: skip


@pytest.fixture
def graphs(session_store: GraphStore, session_store_b: GraphStore, tmp_path: Path) -> tuple[GraphStore, GraphStore]:
    """Both graphs loaded afresh for each test (a few dozen nodes each)."""
    for store in (session_store, session_store_b):
        delete_all_data(store)
    load_payer_a(session_store, tmp_path / "run-a")
    load_payer_b(session_store_b, tmp_path / "run-b")
    return session_store, session_store_b


@pytest.fixture
def payers(
    graphs: tuple[GraphStore, GraphStore], settings_a: Settings, settings_b: Settings, trained_model: jobs.TrainResult
) -> Iterator[TwoPayers]:
    with two_payers(settings_a, settings_b, *graphs, trained_model) as t:
        yield t
