"""One outbound call against a real partner stand-in on uvicorn: scripted statuses, a token endpoint,
answers slower than the timeout and connections dropped mid-answer."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from exchange.domain.retry import ErrorClass
from exchange.transfers.partner_call import CallOutcome, call_partner
from p2p.ports import free_port
from security.client import SmartClient
from security.keys import SigningKey
from tests.support.servers import serving

KEY = SigningKey(ec.generate_private_key(ec.SECP384R1()))


class Partner:
    """Records what arrives; answers as each path says."""

    def __init__(self) -> None:
        self.seen: list[dict[str, Any]] = []
        self.tokens = itertools.count(1)

    async def record(self, request: Request) -> None:
        self.seen.append({"path": request.url.path, "headers": dict(request.headers), "body": await request.body()})

    async def status(self, request: Request) -> Response:
        await self.record(request)
        headers = {k: v for k, v in request.query_params.items() if k in ("Retry-After", "Idempotent-Replayed")}
        body = {"resourceType": "Parameters", "echo": request.path_params["code"]}
        return JSONResponse(body, int(request.path_params["code"]), headers=headers)

    async def token(self, request: Request) -> Response:
        return JSONResponse({"access_token": f"tok-{next(self.tokens)}", "token_type": "bearer", "expires_in": 300})

    async def token_failure(self, request: Request) -> Response:
        return JSONResponse({"error": "invalid_client"}, int(request.path_params["code"]))

    async def first_token_stale(self, request: Request) -> Response:
        await self.record(request)
        if request.headers["authorization"] == "Bearer tok-1":
            return JSONResponse({"resourceType": "OperationOutcome"}, 401)
        return JSONResponse({"resourceType": "Bundle"})

    async def slow(self, request: Request) -> Response:
        await self.record(request)
        await asyncio.sleep(1.0)
        return JSONResponse({})

    async def not_json(self, request: Request) -> Response:
        return Response(b"<html>maintenance</html>", 200, media_type="text/html")

    async def empty(self, request: Request) -> Response:
        return Response(status_code=204)


class DropMidAnswer:
    """Headers promising 100 bytes, then 15 and the end: uvicorn closes the connection."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"100")]})
        await send({"type": "http.response.body", "body": b'{"resourceType"', "more_body": True})


@pytest.fixture(scope="module")
def partner() -> Iterator[tuple[Partner, str]]:
    p = Partner()
    app = Starlette(
        routes=[
            Route("/fhir/status/{code:int}", p.status, methods=["GET", "POST"]),
            Route("/auth/token", p.token, methods=["POST"]),
            Route("/auth/fail/{code:int}", p.token_failure, methods=["POST"]),
            Route("/fhir/stale", p.first_token_stale, methods=["GET"]),
            Route("/fhir/slow", p.slow, methods=["POST"]),
            Route("/fhir/not-json", p.not_json),
            Route("/fhir/empty", p.empty),
            Route("/fhir/drop", DropMidAnswer()),
        ]
    )
    with serving(app) as url:
        yield p, url


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=5.0) as client:
        yield client


def smart(http: httpx.Client, token_url: str) -> SmartClient:
    return SmartClient(http, KEY, token_url=token_url, client_id="us-at-b", scope="system/Patient.read")


def get(http: httpx.Client, url: str, smart_client: SmartClient | None = None) -> CallOutcome:
    return call_partner(http, smart_client, "GET", url, json_body=None, idempotency_key="k", correlation_id="c")


def test_a_success_carries_our_headers_and_reads_the_answer(partner: tuple[Partner, str], http: httpx.Client) -> None:
    p, url = partner
    body = {"resourceType": "Parameters", "parameter": []}
    outcome = call_partner(
        http, smart(http, f"{url}/auth/token"), "POST", f"{url}/fhir/status/200",
        json_body=body, idempotency_key="T-1.match", correlation_id="corr-0001-abc",
    )  # fmt: skip
    assert outcome.ok and outcome.status == 200 and outcome.error is None
    assert outcome.body == {"resourceType": "Parameters", "echo": 200}
    assert outcome.response_sha256 is not None and len(outcome.response_sha256) == 64
    assert not outcome.replayed and outcome.retry_after_s is None and outcome.latency_ms > 0
    seen = p.seen[-1]["headers"]
    assert seen["authorization"].startswith("Bearer tok-")
    assert seen["x-correlation-id"] == "corr-0001-abc"
    assert seen["idempotency-key"] == "T-1.match"
    assert seen["content-type"] == seen["accept"] == "application/fhir+json"
    assert json.loads(p.seen[-1]["body"]) == body


@pytest.mark.parametrize(
    ("code", "error"),
    [(408, ErrorClass.HTTP_408), (502, ErrorClass.HTTP_502), (503, ErrorClass.HTTP_503),
     (504, ErrorClass.HTTP_504), (500, ErrorClass.HTTP_5XX_OTHER), (400, ErrorClass.REJECTED),
     (404, ErrorClass.REJECTED), (422, ErrorClass.REJECTED)],
)  # fmt: skip
def test_each_status_is_classified(partner: tuple[Partner, str], http: httpx.Client, code: int, error: str) -> None:
    _, url = partner
    outcome = get(http, f"{url}/fhir/status/{code}")
    assert (outcome.status, outcome.error, outcome.ok) == (code, error, False)
    assert outcome.body == {"resourceType": "Parameters", "echo": code}  # kept for the attempt record


def test_retry_after_and_replay_headers_are_read(partner: tuple[Partner, str], http: httpx.Client) -> None:
    _, url = partner
    throttled = call_partner(
        http,
        None,
        "GET",
        f"{url}/fhir/status/429?Retry-After=7",
        json_body=None,
        idempotency_key="k",
        correlation_id="c",
    )
    assert (throttled.error, throttled.retry_after_s) == (ErrorClass.HTTP_429, 7.0)
    replay = call_partner(
        http, None, "POST", f"{url}/fhir/status/200?Idempotent-Replayed=true", json_body={},
        idempotency_key="k", correlation_id="c",
    )  # fmt: skip
    assert replay.ok and replay.replayed


def test_a_401_is_retried_once_with_a_fresh_token(partner: tuple[Partner, str], http: httpx.Client) -> None:
    p, url = partner
    p.tokens = itertools.count(1)
    before = len(p.seen)
    outcome = call_partner(
        http, smart(http, f"{url}/auth/token"), "GET", f"{url}/fhir/stale", json_body=None,
        idempotency_key="T-2.everything", correlation_id="c",
    )  # fmt: skip
    assert outcome.ok and outcome.body == {"resourceType": "Bundle"}
    tried = [s["headers"] for s in p.seen[before:]]
    assert [h["authorization"] for h in tried] == ["Bearer tok-1", "Bearer tok-2"]
    assert {h["idempotency-key"] for h in tried} == {"T-2.everything"}


def test_a_second_401_is_the_outcome(partner: tuple[Partner, str], http: httpx.Client) -> None:
    p, url = partner
    before = len(p.seen)
    outcome = get(http, f"{url}/fhir/status/401", smart(http, f"{url}/auth/token"))
    assert (outcome.status, outcome.error) == (401, ErrorClass.UNAUTHORIZED)
    assert len(p.seen) - before == 2


@pytest.mark.parametrize(("code", "error"), [(503, ErrorClass.TOKEN_UNAVAILABLE), (400, ErrorClass.TOKEN_REFUSED)])
def test_a_token_failure_is_an_outcome(partner: tuple[Partner, str], http: httpx.Client, code: int, error: str) -> None:
    p, url = partner
    before = len(p.seen)
    outcome = get(http, f"{url}/fhir/status/200", smart(http, f"{url}/auth/fail/{code}"))
    assert (outcome.status, outcome.error, outcome.body) == (None, error, None)
    assert len(p.seen) == before  # nothing was sent without a token


def test_an_answer_slower_than_the_timeout_is_a_timeout(partner: tuple[Partner, str], http: httpx.Client) -> None:
    p, url = partner
    before = len(p.seen)
    outcome = call_partner(
        http, None, "POST", f"{url}/fhir/slow", json_body={}, idempotency_key="k", correlation_id="c", timeout_s=0.3
    )
    assert (outcome.status, outcome.error) == (None, ErrorClass.TIMEOUT)
    assert len(p.seen) == before + 1  # the partner did receive it: a retry must reuse the key
    assert 250 < outcome.latency_ms < 1000


def test_a_connection_dropped_mid_answer_is_a_connection_error(
    partner: tuple[Partner, str], http: httpx.Client
) -> None:
    _, url = partner
    outcome = get(http, f"{url}/fhir/drop")
    assert (outcome.status, outcome.error, outcome.response_sha256) == (None, ErrorClass.CONNECTION, None)


def test_nobody_listening_is_a_connection_error(http: httpx.Client) -> None:
    url = f"http://127.0.0.1:{free_port()}/fhir/Patient"
    outcome = call_partner(http, None, "GET", url, json_body=None, idempotency_key="k", correlation_id="c")
    assert (outcome.status, outcome.error) == (None, ErrorClass.CONNECTION)


def test_a_2xx_we_cannot_read_is_a_bad_response_but_an_empty_one_is_fine(
    partner: tuple[Partner, str], http: httpx.Client
) -> None:
    _, url = partner
    garbled = get(http, f"{url}/fhir/not-json")
    assert (garbled.status, garbled.error, garbled.body) == (200, ErrorClass.BAD_RESPONSE, None)
    assert garbled.response_sha256 is not None
    empty = get(http, f"{url}/fhir/empty")
    assert empty.ok and empty.status == 204 and empty.body is None
