"""``p2p serve``: the exchange API (FastAPI on uvicorn)."""

from __future__ import annotations

import ssl
from typing import Annotated, Any

import typer
import uvicorn

from api.app import create_app
from graph.driver import create_driver
from p2p.bootstrap import ensure_neo4j
from p2p.cli.common import UserError, console, friendly_errors, settings
from p2p.logs import dict_config
from p2p.settings import Settings
from security.keys import load_signing_key


@friendly_errors
def serve(
    host: Annotated[str | None, typer.Option(help="Listen address (default P2P_API_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Listen port (default P2P_API_PORT).")] = None,
    workers: Annotated[int, typer.Option(min=1, max=32, help="API processes (each with its own engine).")] = 1,
    log_level: Annotated[str, typer.Option(help="Technical log level (JSON lines on stderr).")] = "INFO",
) -> None:
    """Run the API until Ctrl-C (starts the local Neo4j first if the project owns it)."""
    cfg = settings()
    load_signing_key(cfg)  # fail now, with a clear message, rather than in each API process
    ensure_neo4j(cfg)
    create_driver(cfg).close()  # fail now, with a clear message, if Neo4j is unreachable
    bind_host, bind_port = host or cfg.api_host, port or cfg.api_port
    scheme = "https" if cfg.api_ssl_certfile else "http"
    console.print(f"Payer Exchange API on {scheme}://{bind_host}:{bind_port} (OpenAPI docs at /docs)")
    if workers == 1:
        uvicorn.run(create_app(cfg), host=bind_host, port=bind_port, **logging_options(log_level), **tls_options(cfg))
    else:  # each worker process builds its app from the same environment
        uvicorn.run("api.app:app_from_environment", factory=True, workers=workers, host=bind_host, port=bind_port,
                    **logging_options(log_level), **tls_options(cfg))  # fmt: skip


def logging_options(level: str) -> dict[str, Any]:
    """uvicorn logs through the JSON formatter (p2p/logs.py) in every worker process, at ``level``."""
    upper = level.upper()
    if upper not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise UserError(f"--log-level must be DEBUG, INFO, WARNING or ERROR, not {level!r}")
    return {"log_config": dict_config(upper), "log_level": upper.lower()}


CLIENT_CERT = {"none": ssl.CERT_NONE, "optional": ssl.CERT_OPTIONAL, "required": ssl.CERT_REQUIRED}


def tls_options(cfg: Settings) -> dict[str, Any]:
    """uvicorn's TLS settings from P2P_API_SSL_*: HTTPS, and mutual TLS when client certificates are asked for."""
    if cfg.api_ssl_certfile is None:
        return {}
    return {
        "ssl_certfile": str(cfg.api_ssl_certfile),
        "ssl_keyfile": str(cfg.api_ssl_keyfile) if cfg.api_ssl_keyfile else None,
        "ssl_ca_certs": str(cfg.api_ssl_ca_certs) if cfg.api_ssl_ca_certs else None,
        "ssl_cert_reqs": CLIENT_CERT[cfg.api_ssl_client_cert],
    }
