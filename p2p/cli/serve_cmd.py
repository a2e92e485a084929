"""``p2p serve``: the exchange API (FastAPI on uvicorn)."""

from __future__ import annotations

from typing import Annotated

import typer
import uvicorn

from api.app import create_app
from graph.driver import create_driver
from p2p.bootstrap import ensure_neo4j
from p2p.cli.common import console, friendly_errors, settings


@friendly_errors
def serve(
    host: Annotated[str | None, typer.Option(help="Listen address (default P2P_API_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Listen port (default P2P_API_PORT).")] = None,
) -> None:
    """Run the API until Ctrl-C (starts the local Neo4j first if the project owns it)."""
    cfg = settings()
    ensure_neo4j(cfg)
    create_driver(cfg).close()  # fail now, with a clear message, if Neo4j is unreachable
    bind_host, bind_port = host or cfg.api_host, port or cfg.api_port
    console.print(f"Payer Exchange API on http://{bind_host}:{bind_port} (OpenAPI docs at /docs)")
    uvicorn.run(create_app(cfg), host=bind_host, port=bind_port, log_level="warning")
