"""Request limits: a body size cap enforced while the body streams in (one for every route, and
larger ones for the few routes that need them), and a page size cap."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import Depends, Query, Request
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import operation_outcome
from security.domain.limits import capped_page_size


class BodyTooLarge(HTTPException):
    """An HTTPException so that FastAPI, reading the body, passes it on as a 413 rather than a 400."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, f"the request body is larger than {max_bytes} bytes")


RouteKey = tuple[str, str]  # (method, exact path), e.g. ("POST", "/fhir/Group/$bulk-member-match")


class BodySizeLimit:
    """Refuses a request body over its limit with 413: at once when Content-Length says so, and
    otherwise as soon as the streamed body passes the limit, so no oversized body is held in memory.
    The limit is ``max_bytes``, or ``routes[(method, path)]`` for the routes given their own."""

    def __init__(self, app: ASGIApp, max_bytes: int, routes: Mapping[RouteKey, int] | None = None) -> None:
        self.app, self.max_bytes, self.routes = app, max_bytes, dict(routes or {})

    def limit_of(self, scope: Scope) -> int:
        return self.routes.get((scope.get("method", ""), scope.get("path", "")), self.max_bytes)

    async def too_large(self, limit: int, scope: Scope, receive: Receive, send: Send) -> None:
        error = BodyTooLarge(limit)
        await operation_outcome(error.status_code, "too-costly", str(error.detail))(scope, receive, send)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_of(scope)
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            await self.too_large(limit, scope, receive, send)
            return
        seen, started = 0, False

        async def counted_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(limit)
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except BodyTooLarge:
            if not started:
                await self.too_large(limit, scope, receive, send)


def page_size(default: int = 50, name: str = "limit") -> Any:
    """A ``limit`` query parameter (or another ``name``: FHIR's ``_count``) capped at
    ``P2P_API_MAX_PAGE_SIZE``: ``limit: Annotated[int, page_size()]``."""

    query = Query(None, ge=1, alias=name)  # a default value, not an annotation: the alias is a local

    def dependency(request: Request, limit: int | None = query) -> int:
        cap = request.app.state.security.settings.api_max_page_size
        return capped_page_size(limit, default=default, cap=cap)

    return Depends(dependency)
