"""ASGI apps on uvicorn, on a loopback port, for end-to-end tests: the real API or any small app."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import uvicorn
from starlette.types import ASGIApp, Receive, Scope, Send

from api.app import create_app
from exchange.member_match.service import MatchContext
from p2p.ports import free_port
from p2p.settings import Settings


@contextmanager
def serving(app: ASGIApp, port: int | None = None) -> Iterator[str]:
    """Serve ``app`` until the block ends; yields its base URL."""
    port = port or free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the server did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def running_api(settings: Settings, port: int | None = None, member_match: MatchContext | None = None,
                wrap: Callable[[ASGIApp], ASGIApp] | None = None) -> Iterator[str]:  # fmt: skip
    """Serve ``create_app(settings, member_match)`` (inside ``wrap`` if given) until the block ends;
    yields its base URL."""
    app = create_app(settings, member_match)
    with serving(wrap(app) if wrap else app, port) as url:
        yield url


class RequestLog:
    """What an API was asked: each HTTP request's method, path and Idempotency-Key, in order
    (``running_api(..., wrap=log.wrap)``)."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, str | None]] = []

    def wrap(self, app: ASGIApp) -> ASGIApp:
        async def logged(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] == "http":
                key = dict(scope["headers"]).get(b"idempotency-key")
                self.requests.append((scope["method"], scope["path"], key.decode() if key else None))
            await app(scope, receive, send)

        return logged

    def of(self, method: str, contains: str) -> list[tuple[str, str, str | None]]:
        return [r for r in self.requests if r[0] == method and contains in r[1]]
