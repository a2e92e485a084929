"""Limits and the outbound client over real HTTP: per-caller rate limit (429), body size (413),
partner keys from an allow-listed JWKS URL, and our SmartClient getting (and caching) a token."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from graph.store import GraphStore
from p2p.settings import Settings
from security.client import PartnerTokenError, SmartClient
from security.http import outbound_client
from security.keys import load_signing_key
from tests.support.partners import assertion_for, bearer, register_partner, token_for, token_form
from tests.support.servers import free_port, running_api

pytestmark = pytest.mark.integration


@pytest.fixture
def strict(settings: Settings, session_store: GraphStore) -> Iterator[httpx.Client]:
    """A second app with a tight rate limit."""
    tight = settings.model_copy(update={"api_rate_per_s": 0.2, "api_rate_burst": 3})
    with running_api(tight) as url, httpx.Client(base_url=url, timeout=30) as client:
        yield client


@pytest.fixture
def own_keys(settings: Settings, session_store: GraphStore) -> Iterator[httpx.Client]:
    """A second app whose own JWKS URL is on its allow-list."""
    port = free_port()
    with (
        running_api(
            settings.model_copy(update={"auth_jwks_url_allowlist": [f"http://127.0.0.1:{port}/"]}), port
        ) as url,
        httpx.Client(base_url=url, timeout=30) as client,
    ):
        yield client


def test_a_partner_over_its_rate_gets_429_with_retry_after_and_others_are_unaffected(
    store: GraphStore, strict: httpx.Client
) -> None:
    token_a = token_for(strict, register_partner(store, "payer-a"))
    token_b = token_for(strict, register_partner(store, "payer-b"))
    answers = [strict.get("/auth/me", headers=bearer(token_a)) for _ in range(4)]
    assert [r.status_code for r in answers] == [200, 200, 200, 429]
    throttled = answers[-1]
    assert (
        throttled.json()["resourceType"] == "OperationOutcome" and throttled.json()["issue"][0]["code"] == "throttled"
    )
    assert int(throttled.headers["retry-after"]) >= 1
    assert strict.get("/auth/me", headers=bearer(token_b)).status_code == 200


def test_an_oversized_body_is_413_whether_announced_or_streamed(http: httpx.Client, steward_token: str) -> None:
    big = b'{"reason": "' + b"x" * (1_048_576 + 10) + b'", "member_keys": ["a", "b"]}'
    headers = bearer(steward_token) | {"content-type": "application/json", "Idempotency-Key": "big-body"}
    announced = http.post("/steward/merge", content=big, headers=headers)
    streamed = http.post(
        "/steward/merge", content=(big[i : i + 65536] for i in range(0, len(big), 65536)), headers=headers
    )
    unauthenticated = http.post(
        "/auth/token", content=big, headers={"content-type": "application/x-www-form-urlencoded"}
    )
    for response in (announced, streamed, unauthenticated):
        assert response.status_code == 413
        assert (
            response.json()["resourceType"] == "OperationOutcome"
            and response.json()["issue"][0]["code"] == "too-costly"
        )


def test_a_partner_with_a_jwks_url_and_our_outbound_client(
    store: GraphStore, own_keys: httpx.Client, settings: Settings
) -> None:
    """This app plays both sides: the partner 'self' publishes its keys at our own JWKS URL, and our
    SmartClient signs with our service key to get a token from our own token endpoint."""
    jwks_url = f"{own_keys.base_url}".rstrip("/") + "/.well-known/jwks.json"
    partner = register_partner(
        store, "self", jwks_url=jwks_url, allowlist=(f"{own_keys.base_url}",), scopes=["system/Transfer.write"]
    )
    token_url = f"{own_keys.base_url}".rstrip("/") + "/auth/token"
    with outbound_client(settings) as http:
        client = SmartClient(
            http,
            load_signing_key(settings),
            token_url=token_url,
            client_id=partner.client_id,
            scope="system/Transfer.write",
        )
        first = client.token()
        assert client.token() == first  # cached until shortly before it expires
        me = own_keys.get("/auth/me", headers=client.auth_headers()).json()
        assert me["actor"] == "partner:self" and me["scopes"] == ["system/Transfer.write"]
        client.forget()
        assert client.token() != first

        wrong_jku = assertion_for(partner, token_url, header={"jku": "http://127.0.0.1:1/jwks.json"})
        refused = own_keys.post("/auth/token", data=token_form(wrong_jku, "system/Transfer.write"))
        assert refused.status_code == 401 and "registered JWKS URL" in refused.json()["error_description"]

        stranger = SmartClient(
            http, load_signing_key(settings), token_url=token_url, client_id="unknown-client", scope="x"
        )
        with pytest.raises(PartnerTokenError) as refused_error:
            stranger.token()
        assert refused_error.value.error == "invalid_client" and not refused_error.value.transient
        down = SmartClient(
            http, load_signing_key(settings), token_url="http://127.0.0.1:1/auth/token", client_id="c", scope="x"
        )
        with pytest.raises(PartnerTokenError) as unreachable:
            down.token()
        assert unreachable.value.transient
