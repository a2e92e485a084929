"""Schemathesis over the OpenAPI document with valid tokens: no 5xx, and every response matches the
schema. `make fuzz` runs it with many examples (FUZZ_EXAMPLES, default here 15 per operation)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from graph.store import GraphStore
from p2p.settings import Settings
from security.principal import Role
from tests.support.partners import bearer, person_token, register_partner, token_for
from tests.support.servers import running_api

pytestmark = pytest.mark.integration
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "15"))


@pytest.fixture(scope="module")
def fuzz_api(settings: Settings, session_store: GraphStore) -> Iterator[str]:
    """An app whose rate limit stays out of the way of the fuzzer."""
    with running_api(settings.model_copy(update={"api_rate_per_s": 1e6, "api_rate_burst": 1_000_000})) as url:
        yield url


@pytest.fixture
def tokens(fuzz_api: str, store: GraphStore, settings: Settings) -> dict[str, str]:
    with httpx.Client(base_url=fuzz_api, timeout=30) as http:
        partner = token_for(http, register_partner(store, "payer-fuzz"))
    return {"partner": partner, "steward": person_token(settings, Role.STEWARD, "fuzz")}


def test_no_server_error_and_responses_match_the_schema(fuzz_api: str, tokens: dict[str, str]) -> None:
    """Every operation of the OpenAPI document, each with EXAMPLES generated requests (the steward's
    token on /steward, a partner's elsewhere). Schemathesis's pytest plugin does not run on pytest 9,
    so the operations are driven through its Python API and Hypothesis directly."""
    api = schemathesis.openapi.from_url(f"{fuzz_api}/openapi.json")
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) >= 10

    @given(case=st.one_of(*(operation.as_strategy() for operation in operations)))
    @settings(
        max_examples=EXAMPLES * len(operations), deadline=None, suppress_health_check=list(HealthCheck), database=None
    )
    def call(case: schemathesis.Case) -> None:
        token = tokens["steward" if case.path.startswith("/steward") else "partner"]
        case.call_and_validate(
            base_url=fuzz_api, headers=bearer(token), checks=[not_a_server_error, response_schema_conformance]
        )

    call()
