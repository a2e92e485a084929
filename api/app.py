"""The FastAPI application: thin routers over the service layer, one driver per process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api import errors
from api.routers import auth, steward
from api.security import install_security
from graph.cypher import CypherLibrary
from graph.driver import create_driver
from graph.store import GraphStore
from p2p.settings import Settings


def create_app(settings: Settings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        driver = create_driver(settings)
        app.state.store = GraphStore(
            driver, settings.neo4j_database, CypherLibrary(settings.cypher_dir), settings.neo4j_query_timeout_s
        )
        try:
            yield
        finally:
            driver.close()

    app = FastAPI(
        title="Payer Exchange",
        version="0.1.0",
        description="Payer-to-payer member exchange (FHIR R4, Da Vinci HRex/PDex) with an auditable identity graph.",
        lifespan=lifespan,
    )
    errors.install(app)
    install_security(app, settings)
    app.include_router(auth.router)
    app.include_router(steward.router)
    return app
