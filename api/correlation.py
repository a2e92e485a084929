"""Correlation ids: accepted from the caller when well formed, created otherwise, echoed in
every response and available to handlers (``request.state.correlation_id``)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response

from p2p.logs import correlation

HEADER = "X-Correlation-ID"
_VALID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")


def well_formed(value: str) -> bool:
    """Whether a caller's correlation id is one we accept (else we make our own)."""
    return bool(_VALID.match(value))


def correlation_id(request: Request) -> str:
    value: str = getattr(request.state, "correlation_id", "") or str(uuid.uuid4())
    return value


def install(app: FastAPI) -> None:
    @app.middleware("http")
    async def correlate(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        given = request.headers.get(HEADER, "")
        request.state.correlation_id = given if well_formed(given) else str(uuid.uuid4())
        with correlation(request.state.correlation_id):
            response = await call_next(request)
        response.headers[HEADER] = request.state.correlation_id
        return response
