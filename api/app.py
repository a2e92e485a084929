"""The FastAPI application: thin routers over the service layer, one driver per process."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api import correlation, errors, faults, fhir_format, idempotency, sla
from api.background import every
from api.routers import acknowledgments, audit, auth, bulk, decisions, everything, fhir, groups, steward, transfers
from api.security import install_security
from audit import clock
from audit.checkpointing import checkpoint_if_due
from exchange.bulk.config import bulk_config
from exchange.bulk.runner import Runner, start
from exchange.member_match.service import MatchContext
from exchange.member_match.setup import match_context
from graph.cypher import CypherLibrary
from graph.driver import create_driver
from graph.store import GraphStore
from matching.linkage.registry import RegistryError
from matching.realtime.levels import UnsupportedLevel
from p2p.bootstrap import audit_keys
from p2p.settings import Settings, load_settings

log = logging.getLogger(__name__)


def _member_match(settings: Settings, store: GraphStore) -> MatchContext | None:
    """The real-time identity engine, or None (and $member-match answers 503) without a model."""
    try:
        return match_context(settings, store)
    except (RegistryError, UnsupportedLevel) as exc:
        log.warning("$member-match is unavailable: %s", exc)
        return None


def create_app(settings: Settings, member_match: MatchContext | None = None) -> FastAPI:
    """``member_match`` replaces the engine built from settings (tests pass their own model)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        driver = create_driver(settings)
        store = GraphStore(
            driver, settings.neo4j_database, CypherLibrary(settings.cypher_dir), settings.neo4j_query_timeout_s
        )
        app.state.store = store
        engine = app.state.member_match = member_match or _member_match(settings, store)
        stops = []
        if engine is not None:
            refresh = settings.term_frequency_refresh_s
            stops.append(every(refresh, "tf-refresh", lambda: engine.engine.refresh_frequencies(store)))
        keys, interval = audit_keys(settings), settings.audit_checkpoint_interval_s
        every_events = settings.audit_checkpoint_every_events
        if settings.audit_checkpoint_job:
            stops.append(every(min(interval, 60.0), "audit-checkpoint",
                               lambda: checkpoint_if_due(store, keys, interval, every_events)))  # fmt: skip
        stops.append(idempotency.purge_job(store))
        if settings.sla_monitor_job:
            stops.append(sla.monitor_job(store, settings))
        stops.append(start(Runner(store, bulk_config(settings), engine, clock.now)))  # bulk jobs (issue #8)
        try:
            yield
        finally:
            for stop in stops:
                stop()
            driver.close()

    app = FastAPI(
        title="Payer Exchange",
        version="0.1.0",
        description="Payer-to-payer member exchange (FHIR R4, Da Vinci HRex/PDex) with an auditable identity graph.",
        lifespan=lifespan,
        # No 307 to the path without its trailing slash: the redirect is built from the Host header and
        # the scheme uvicorn saw (http behind a proxy it does not trust), and a client follows it with its
        # body. An unknown path is a 404 OperationOutcome like any other.
        redirect_slashes=False,
    )
    app.state.settings = settings
    errors.install(app)
    install_security(app, settings)
    fhir_format.install(app)  # a 406 before the idempotency layer claims a key for it
    correlation.install(app)
    idempotency.install(app)  # always innermost, whatever the order of installation
    sla.install(app)  # request metrics around every layer but the fault injector
    faults.install(app, settings)  # outermost: after every other middleware
    app.include_router(auth.router)
    app.include_router(fhir.router)
    app.include_router(everything.router)
    app.include_router(steward.router)
    app.include_router(decisions.router)
    app.include_router(audit.router)
    app.include_router(transfers.router)
    app.include_router(acknowledgments.router)
    app.include_router(bulk.router)
    app.include_router(groups.router)
    return app


def app_from_environment() -> FastAPI:
    """The app built from the environment's settings (``p2p serve --workers N`` starts one per process)."""
    return create_app(load_settings())
