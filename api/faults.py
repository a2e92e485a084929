"""Fault injection for the partner-facing API (``P2P_FAULTS``, off by default): one draw per request
on the configured paths picks at most one fault.

- ``503``: 503 OperationOutcome (``transient``) with ``Retry-After: 1``; the request is not run.
- ``429``: 429 OperationOutcome (``throttled``) with ``Retry-After: P2P_FAULTS_RETRY_AFTER_S``; not run.
- ``slow``: the request runs to completion; its answer is held back ``P2P_FAULTS_SLOW_S`` seconds.
- ``reset``: the connection is dropped before any answer and the request is NOT run: headers
  promising a body go out, then uvicorn closes the socket ("ASGI callable returned without
  completing response" in its log), so the client sees a protocol or connection error.
- ``duplicate``: the request (same headers, same body) runs twice, one after the other; the first
  answer is discarded and the second returned.

Every fault is logged (kind, method, path with identifiers masked, correlation id; never a body) and
counted per app: ``injected_faults(app)``. Installed outermost, so it sees requests as partners send them.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections import Counter
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.correlation import HEADER as CORRELATION_HEADER
from api.correlation import well_formed
from api.errors import operation_outcome
from exchange.domain.faults import FaultKind, FaultPlan, masked_path
from p2p.settings import Settings

log = logging.getLogger(__name__)


class FaultInjector:
    def __init__(
        self,
        app: ASGIApp,
        *,
        plan: FaultPlan,
        seed: int | None,
        slow_s: float,
        retry_after_s: int,
        counts: Counter[str],
    ) -> None:
        self.app, self.plan, self.slow_s, self.retry_after_s = app, plan, slow_s, retry_after_s
        self.rng, self.counts = random.Random(seed), counts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.plan.applies_to(scope["path"]):
            await self.app(scope, receive, send)
            return
        kind = self.plan.pick(self.rng.random())
        if kind is None:
            await self.app(scope, receive, send)
            return
        correlation_id = self._record(kind, scope)
        if kind is FaultKind.UNAVAILABLE:
            await self._refuse(503, "transient", "1", correlation_id, scope, receive, send)
        elif kind is FaultKind.THROTTLED:
            await self._refuse(429, "throttled", str(self.retry_after_s), correlation_id, scope, receive, send)
        elif kind is FaultKind.SLOW:
            await self.app(scope, receive, self._held_back(send))
        elif kind is FaultKind.RESET:
            await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"1024")]})
        else:
            await self._twice(scope, receive, send)

    def _record(self, kind: FaultKind, scope: Scope) -> str | None:
        self.counts[kind.value] += 1
        given = dict(scope["headers"]).get(CORRELATION_HEADER.lower().encode(), b"").decode("latin-1")
        correlation_id = given if well_formed(given) else None
        log.warning(
            "fault_injected kind=%s method=%s path=%s correlation_id=%s",
            kind.value, scope["method"], masked_path(scope["path"]), correlation_id or "-",
        )  # fmt: skip
        return correlation_id

    async def _refuse(
        self, status: int, code: str, retry_after: str, correlation_id: str | None, scope: Scope, receive: Receive,
        send: Send,
    ) -> None:  # fmt: skip
        response = operation_outcome(status, code, f"fault injected ({status}); try again later")
        response.headers["Retry-After"] = retry_after
        if correlation_id:
            response.headers[CORRELATION_HEADER] = correlation_id
        await response(scope, receive, send)

    def _held_back(self, send: Send) -> Send:
        async def held(message: Message) -> None:
            if message["type"] == "http.response.start":
                await asyncio.sleep(self.slow_s)
            await send(message)

        return held

    async def _twice(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = [message async for message in _request_messages(receive)]

        def replay() -> Receive:
            pending = list(request)

            async def replayed() -> Message:
                return pending.pop(0) if pending else await receive()

            return replayed

        async def discard(_message: Message) -> None:
            return None

        await self.app({**scope, "state": dict(scope.get("state", {}))}, replay(), discard)
        await self.app(scope, replay(), send)


async def _request_messages(receive: Receive) -> AsyncIterator[Message]:
    while True:
        message = await receive()
        yield message
        if message["type"] != "http.request" or not message.get("more_body", False):
            return


def install(app: Starlette, settings: Settings) -> None:
    """Adds the injector when ``P2P_FAULTS`` sets any rate; call it after every other middleware."""
    counts: Counter[str] = Counter()
    app.state.injected_faults = counts
    plan = settings.fault_plan
    if plan.active:
        app.add_middleware(
            FaultInjector, plan=plan, seed=settings.faults_seed, slow_s=settings.faults_slow_s,
            retry_after_s=settings.faults_retry_after_s, counts=counts,
        )  # fmt: skip
        log.warning("fault injection is on: %s on %s", settings.faults, ", ".join(plan.paths))


def injected_faults(app: Starlette) -> dict[str, int]:
    """How many faults of each kind this app injected since it was built."""
    counts: Counter[str] | None = getattr(app.state, "injected_faults", None)
    return dict(counts or {})
