"""406 Not Acceptable for a FHIR request that asks only for a format we do not write (XML,
Turtle): an OperationOutcome naming what was asked, before any work is done."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response

from api.errors import operation_outcome
from exchange.fhir.formats import refused_format


def install(app: FastAPI) -> None:
    @app.middleware("http")
    async def negotiate(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        if request.url.path.startswith("/fhir/"):
            asked = refused_format(request.query_params.get("_format"), request.headers.get("accept"))
            if asked is not None:
                return operation_outcome(406, "not-supported", f"{asked}: this server answers in FHIR JSON only")
        return await call_next(request)
