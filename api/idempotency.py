"""The ``Idempotency-Key`` layer: an ASGI middleware over the routes listed in ``api.idempotent_routes``.

Keys are scoped per client: the caller's token is verified with the app's own verifier (a request
without a valid token passes through and gets its 401 from the route). Missing (where required) or
malformed key: 400. Same key, other request: 422. Same key while the first runs: 409 with
Retry-After. Same key after completion: the first response again, with ``Idempotent-Replayed: true``.
A 5xx, 408 or 429 answer (or a crash) releases the key so a retry runs.

The layer is the innermost middleware: inside the body size limit (an oversized body is refused
before it is read here) and inside the correlation middleware, so a replay carries the correlation
id of the request being answered now, as every response does.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.middleware import Middleware
from starlette.requests import ClientDisconnect
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.background import every
from api.errors import operation_outcome
from api.idempotency_openapi import document_header
from api.idempotent_routes import RouteTable
from exchange.domain.idempotency import InvalidKey, Verdict, fingerprint, parse_key, replayed_headers, storable
from exchange.idempotency_store import (
    PURGE_EVERY_S,
    IdempotencyStore,
    IdempotencyUnavailable,
    StoredResponse,
    purge_expired,
)
from graph.store import GraphStore
from security.domain.access_tokens import InvalidAccessToken

log = logging.getLogger(__name__)
HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"


def client_scope(scope: Scope) -> str | None:
    """The verified caller's client id (people share the CLI's client id, so theirs adds who they are)."""
    scheme, _, token = Headers(scope=scope).get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    try:
        principal = scope["app"].state.security.tokens.verify(token.strip())
    except InvalidAccessToken:
        return None
    return str(principal.client_id if principal.is_partner else f"{principal.client_id}/{principal.actor}")


async def _body(receive: Receive) -> bytes | None:
    """The whole request body, or None when the client went away before sending all of it (a cut
    upload must not claim the key: its retry, with the whole body, would be 'another request')."""
    chunks, more = [], True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            return None
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    return b"".join(chunks)


def _refusal(verdict: Verdict) -> Response:
    if verdict is Verdict.MISMATCH:
        diagnostics = "this Idempotency-Key was used for a different request (method, path or body)"
        return operation_outcome(422, "business-rule", diagnostics, reason_code="idempotency_key_reused")
    response = operation_outcome(
        409, "conflict", "a request with this Idempotency-Key is still being processed; retry later",
        reason_code="idempotency_request_in_flight",
    )  # fmt: skip
    response.headers["Retry-After"] = "1"
    return response


def _replay(stored: StoredResponse) -> Response:
    response = Response(stored.body, status_code=stored.status)
    for name, value in stored.headers:
        response.headers[name] = value
    response.headers[REPLAYED] = "true"
    return response


class IdempotencyLayer:
    def __init__(self, app: ASGIApp, routes: RouteTable) -> None:
        self.app, self.routes = app, routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        need = self.routes.need(scope["method"], scope["path"]) if scope["type"] == "http" else None
        client = client_scope(scope) if need else None
        if need is None or client is None:
            await self.app(scope, receive, send)
            return
        try:
            values = Headers(scope=scope).getlist(HEADER)
            if len(values) > 1:
                raise InvalidKey("send one Idempotency-Key header")
            key = parse_key(values[0] if values else None, need)
        except InvalidKey as exc:
            reason = "idempotency_key_malformed" if values else "idempotency_key_missing"
            await operation_outcome(400, "invalid", str(exc), reason_code=reason)(scope, receive, send)
            return
        if key is None:
            await self.app(scope, receive, send)
            return
        await self.keyed(scope, receive, send, client, key)

    async def keyed(self, scope: Scope, receive: Receive, send: Send, client: str, key: str) -> None:
        body = await _body(receive)
        if body is None:  # nothing claimed; reported as Starlette reports a vanished client anywhere else
            raise ClientDisconnect()
        target = scope["path"] + (f"?{scope['query_string'].decode('latin-1')}" if scope["query_string"] else "")
        settings = scope["app"].state.settings
        store = IdempotencyStore(
            scope["app"].state.store, settings.idempotency_lock_timeout_s, settings.idempotency_retention_s
        )
        try:
            claim = await run_in_threadpool(store.claim, client, key, fingerprint(scope["method"], target, body))
        except IdempotencyUnavailable:
            response = operation_outcome(503, "transient", "the idempotency store is unavailable; retry later")
            response.headers["Retry-After"] = "5"
            await response(scope, receive, send)
            return
        if claim.verdict is not Verdict.RUN:
            answer = _replay(claim.response) if claim.response else _refusal(claim.verdict)
            await answer(scope, receive, send)
            return
        await self.run(scope, receive, send, body, lambda r: _settle(store, client, key, claim.token, r))

    async def run(self, scope: Scope, receive: Receive, send: Send, body: bytes, settle: Any) -> None:
        """Runs the route with the body read here, holds its answer until the key is settled, then sends it."""
        sent: list[Message] = []
        given = False

        async def replay_body() -> Message:
            nonlocal given
            if given:
                return await receive()
            given = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def capture(message: Message) -> None:
            sent.append(message)

        try:
            await self.app(scope, replay_body, capture)
        except Exception:  # the route crashed: release the key so a retry runs (the 500 comes from outside)
            await run_in_threadpool(settle, None)
            raise
        start = next((m for m in sent if m["type"] == "http.response.start"), None)
        stored = None
        if start is not None:
            headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in start.get("headers", [])]
            content = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
            stored = StoredResponse(int(start["status"]), replayed_headers(headers), content)
        await run_in_threadpool(settle, stored)
        for message in sent:
            await send(message)


def _settle(store: IdempotencyStore, client: str, key: str, token: str, response: StoredResponse | None) -> None:
    """Keep the answer for replays, or release the key so a retry runs. A failure here is logged by kind
    (never with the request or answer): the record then stays in flight until its lock expires."""
    try:
        if response is not None and storable(response.status):
            store.complete(client, key, token, response)
        else:
            store.release(client, key, token)
    except IdempotencyUnavailable as exc:
        log.warning("idempotency record not settled: %s", exc)


def purge_job(store: GraphStore) -> Callable[[], None]:
    """Purges records past their retention every few minutes; returns the function that stops it."""
    return every(PURGE_EVERY_S, "idempotency-purge", lambda: purge_expired(store))


def install(app: FastAPI, routes: RouteTable | None = None) -> None:
    """The innermost middleware (whatever the order of installation), and the header in the OpenAPI document."""
    table = routes or RouteTable()
    app.user_middleware.append(Middleware(IdempotencyLayer, routes=table))
    document_header(app, table, HEADER)
