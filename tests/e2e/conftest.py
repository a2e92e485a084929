"""The real API over real HTTP: uvicorn on a free loopback port, against the test Neo4j."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from graph.store import GraphStore
from p2p.settings import Settings
from tests.integration.graph.conftest import make_run  # noqa: F401  (shared fixture: hand-written matching runs)
from tests.support.partners import (  # noqa: F401  (shared fixtures: partners A and B, people's tokens)
    operator_token,
    partner_a,
    partner_b,
    steward_token,
    token_a,
    token_b,
)
from tests.support.servers import running_api


@pytest.fixture(scope="session")
def api_url(settings: Settings, session_store: GraphStore) -> Iterator[str]:
    with running_api(settings) as url:
        yield url


@pytest.fixture
def http(api_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=api_url, timeout=30) as client:
        yield client
