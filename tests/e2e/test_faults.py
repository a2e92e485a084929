"""Fault injection over real uvicorn, in front of a small app that counts how often its handler ran
(no Neo4j): each kind at rate 1, the paths never faulted, the default, and seeded sequences."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from fastapi import FastAPI, Request

from api import correlation, faults
from api.app import create_app
from api.faults import FaultInjector, injected_faults
from exchange.domain.retry import ErrorClass
from exchange.transfers.partner_call import CallOutcome, call_partner
from p2p.settings import load_settings
from tests.support.servers import serving

CORRELATION = "corr-faults-0001"


def small_app(**settings: Any) -> tuple[FastAPI, Counter[str]]:
    """Handlers on a faulted path, the capability statement, the token endpoint and a path outside
    the prefixes; ``runs`` counts what each handler actually did."""
    app, runs = FastAPI(), Counter[str]()

    @app.post("/fhir/Thing")
    async def thing(request: Request) -> dict[str, Any]:
        runs["thing"] += 1
        return {"run": runs["thing"], "got": await request.json(), "correlation": request.state.correlation_id}

    for path in ("/fhir/metadata", "/auth/token", "/steward/queue"):

        @app.get(path)
        async def other(request: Request) -> dict[str, str]:
            runs[request.url.path] += 1
            return {"path": request.url.path}

    correlation.install(app)
    faults.install(app, load_settings(**settings))
    return app, runs


@contextmanager
def client(app: FastAPI) -> Iterator[tuple[str, httpx.Client]]:
    with serving(app) as url, httpx.Client(timeout=5.0) as http:
        yield url, http


def post_thing(url: str, http: httpx.Client, n: int = 1, timeout_s: float | None = None) -> CallOutcome:
    return call_partner(
        http, None, "POST", f"{url}/fhir/Thing", json_body={"n": n}, idempotency_key=f"T-{n}.step",
        correlation_id=CORRELATION, timeout_s=timeout_s,
    )  # fmt: skip


def test_by_default_nothing_is_injected() -> None:
    app, runs = small_app()
    assert not any(m.cls is FaultInjector for m in app.user_middleware)
    with client(app) as (url, http):
        outcomes = [post_thing(url, http, n) for n in range(30)]
    assert all(o.ok for o in outcomes) and runs["thing"] == 30
    assert injected_faults(app) == {}


def test_503_refuses_without_running_the_request() -> None:
    app, runs = small_app(faults="503=1")
    with client(app) as (url, http):
        outcome = post_thing(url, http)
        raw = http.post(f"{url}/fhir/Thing", json={}, headers={"X-Correlation-ID": CORRELATION})
    assert (outcome.status, outcome.error, outcome.retry_after_s) == (503, ErrorClass.HTTP_503, 1.0)
    assert outcome.body["resourceType"] == "OperationOutcome"
    assert outcome.body["issue"][0]["code"] == "transient"
    assert raw.headers["X-Correlation-ID"] == CORRELATION
    assert runs["thing"] == 0
    assert injected_faults(app) == {"503": 2}


def test_429_says_when_to_come_back() -> None:
    app, runs = small_app(faults="429=1", faults_retry_after_s=7)
    with client(app) as (url, http):
        outcome = post_thing(url, http)
    assert (outcome.status, outcome.error, outcome.retry_after_s) == (429, ErrorClass.HTTP_429, 7.0)
    assert outcome.body["issue"][0]["code"] == "throttled"
    assert runs["thing"] == 0


def test_slow_runs_the_request_but_answers_after_the_client_gave_up() -> None:
    app, runs = small_app(faults="slow=1", faults_slow_s=1.0)
    with client(app) as (url, http):
        outcome = post_thing(url, http, timeout_s=0.3)
        assert (outcome.status, outcome.error) == (None, ErrorClass.TIMEOUT)
        assert runs["thing"] == 1  # done, although the caller saw a timeout
        patient = post_thing(url, http, n=2, timeout_s=3.0)
    assert patient.ok and 1000 <= patient.latency_ms < 3000
    assert injected_faults(app) == {"slow": 2}


def test_reset_drops_the_connection_without_running_the_request() -> None:
    app, runs = small_app(faults="reset=1")
    with client(app) as (url, http):
        outcomes = [post_thing(url, http, n) for n in range(3)]
    assert {(o.status, o.error) for o in outcomes} == {(None, ErrorClass.CONNECTION)}
    assert runs["thing"] == 0
    assert injected_faults(app) == {"reset": 3}


def test_duplicate_delivers_the_same_request_twice_and_returns_the_second_answer() -> None:
    app, runs = small_app(faults="duplicate=1")
    with client(app) as (url, http):
        outcome = post_thing(url, http, n=5)
    assert runs["thing"] == 2
    assert outcome.ok
    assert outcome.body == {"run": 2, "got": {"n": 5}, "correlation": CORRELATION}
    assert injected_faults(app) == {"duplicate": 1}


def test_paths_outside_the_prefixes_are_never_faulted() -> None:
    app, runs = small_app(faults="503=1")
    with client(app) as (url, http):
        statuses = [http.get(f"{url}{p}").status_code for p in ("/fhir/metadata", "/auth/token", "/steward/queue")]
    assert statuses == [200, 200, 200]
    assert runs == Counter({"/fhir/metadata": 1, "/auth/token": 1, "/steward/queue": 1})
    assert injected_faults(app) == {}


def statuses(seed: int) -> list[int | None]:
    app, _ = small_app(faults="503=0.3,429=0.3", faults_seed=seed)
    with client(app) as (url, http):
        return [post_thing(url, http, n).status for n in range(40)]


def test_a_seed_makes_the_sequence_reproducible() -> None:
    first, again, other = statuses(7), statuses(7), statuses(8)
    assert first == again
    assert first != other
    assert set(first) == {200, 429, 503}


def test_the_real_app_installs_the_injector_outermost_when_configured() -> None:
    app = create_app(load_settings(faults="duplicate=0.05"))
    assert app.user_middleware[0].cls is FaultInjector
