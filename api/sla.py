"""Wires SLA monitoring into the app: the request metrics middleware and /metrics, the dashboard
and alert routes, and the periodic snapshot-and-alert job of the lifespan."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from fastapi import FastAPI

from api import metrics
from api.background import every
from api.routers import sla
from exchange.sla.monitor import run_round
from graph.store import GraphStore
from p2p.settings import Settings


def install(app: FastAPI) -> None:
    """Call after every other middleware but the fault injector (outermost): request metrics see every answer."""
    metrics.install(app)
    app.include_router(sla.router)


def monitor_job(store: GraphStore, settings: Settings) -> Callable[[], None]:
    interval = settings.sla_snapshot_interval_s
    return every(interval, "sla-monitor", lambda: run_round(store, datetime.now(UTC), interval))
