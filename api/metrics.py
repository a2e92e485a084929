"""Prometheus metrics of an API process: request counts, latency and duplicates suppressed per
route (in-process, by an ASGI middleware), and the SLA figures read from the graph when scraped
(the same in every process). With ``PROMETHEUS_MULTIPROC_DIR`` set (``p2p serve --workers N``),
the in-process metrics of all workers are summed by prometheus_client's multiprocess mode."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from fastapi import FastAPI
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from exchange.domain.sla import Figures
from exchange.sla.figures import CachedFigures
from exchange.sla.prometheus import SlaCollector

PARAM = re.compile(r"\\{[^/]+?\\}")  # an escaped {name} in a route template
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


@dataclass(frozen=True)
class RequestMetrics:
    requests: Counter
    latency: Histogram
    duplicates: Counter

    @classmethod
    def build(cls, registry: CollectorRegistry) -> RequestMetrics:
        labels = ["operation", "method"]
        requests = Counter(
            "p2p_http_requests", "Requests answered, by route and status (accepted: below 400).",
            [*labels, "status"], registry=registry,
        )  # fmt: skip
        latency = Histogram(
            "p2p_http_request_duration_seconds", "Request latency by route.", labels, buckets=LATENCY_BUCKETS,
            registry=registry,
        )  # fmt: skip
        duplicates = Counter(
            "p2p_duplicates_suppressed", "Duplicates answered without doing the work again (replay: same "
            "Idempotency-Key; business_intent: same transfer intent).", [*labels, "kind"], registry=registry,
        )  # fmt: skip
        return cls(requests, latency, duplicates)


class RequestMetricsMiddleware:
    """Counts every HTTP request by its route template (``/transfers/{transfer_id}``), never its raw path."""

    def __init__(self, app: ASGIApp, metrics: RequestMetrics, templates: Callable[[], list[str]]) -> None:
        self.app, self.metrics, self.templates = app, metrics, templates
        self._patterns: list[tuple[re.Pattern[str], str]] | None = None

    def operation(self, scope: Scope) -> str:
        """The route template of the request. A layer that answers before routing (an idempotent replay) or
        copies the scope leaves no route in ours, so the path is matched against the API's templates."""
        route = scope.get("route")
        if route is not None and hasattr(route, "path"):
            return str(route.path)
        if self._patterns is None:
            ordered = sorted(self.templates(), key=lambda t: (t.count("{"), t))  # literal segments win
            self._patterns = [(re.compile("^" + PARAM.sub("[^/]+", re.escape(t)) + "$"), t) for t in ordered]
        path = scope.get("path", "")
        return next((t for pattern, t in self._patterns if pattern.match(path)), "unmatched")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status, kinds = time.perf_counter(), [500], []

        async def observe(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                headers = {k.lower(): v for k, v in message.get("headers", [])}
                if headers.get(b"idempotent-replayed") == b"true":
                    kinds.append("replay")
                if headers.get(b"x-existing-transfer") == b"true":
                    kinds.append("business_intent")
            await send(message)

        try:
            await self.app(scope, receive, observe)
        finally:
            labels = (self.operation(scope), scope["method"])
            self.metrics.requests.labels(*labels, str(status[0])).inc()
            self.metrics.latency.labels(*labels).observe(time.perf_counter() - started)
            for kind in kinds:
                self.metrics.duplicates.labels(*labels, kind).inc()


def figures_of(app: FastAPI) -> Figures:
    """The SLA figures, read through this app's cache (built on first use: the store opens in the lifespan)."""
    cache: CachedFigures | None = getattr(app.state, "sla_figures", None)
    if cache is None:
        cache = app.state.sla_figures = CachedFigures(
            app.state.store, lambda: datetime.now(UTC), app.state.settings.sla_figures_cache_s
        )
    return cache.get()


def install(app: FastAPI) -> None:
    registry = CollectorRegistry()
    templates = lambda: list(app.openapi().get("paths", {}))  # noqa: E731
    app.add_middleware(RequestMetricsMiddleware, metrics=RequestMetrics.build(registry), templates=templates)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()  # the in-process metrics of every worker, from their files
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    registry.register(SlaCollector(lambda: figures_of(app)))
    app.state.metrics_registry = registry


def exposition(app: FastAPI) -> bytes:
    registry: CollectorRegistry = app.state.metrics_registry
    return generate_latest(registry)
