"""Shared fixtures. Integration tests run against the real Neo4j that `make test` starts
(or the external one named by NEO4J_URI); a database that cannot be reached fails the
run loudly instead of skipping."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from graph.maintenance import delete_all_data
from graph.schema import apply_schema
from graph.store import GraphStore
from p2p.bootstrap import ensure_neo4j, graph_store
from p2p.settings import Settings, load_settings


@pytest.fixture(scope="session")
def settings() -> Settings:
    return load_settings()


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
