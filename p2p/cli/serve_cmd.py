"""``p2p serve``: the exchange API (FastAPI on uvicorn)."""

from __future__ import annotations

import ssl
from typing import Annotated, Any

import typer
import uvicorn

from api.app import create_app
from graph.driver import create_driver
from p2p.bootstrap import ensure_neo4j
from p2p.cli.common import console, friendly_errors, log_level, settings
from p2p.logs import dict_config
from p2p.settings import ConfigurationError, Settings
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
    logs = logging_options(log_level)
    load_signing_key(cfg)  # fail now, with a clear message, rather than in each API process
    check_tls_files(cfg)
    ensure_neo4j(cfg)
    create_driver(cfg).close()  # fail now, with a clear message, if Neo4j is unreachable
    bind_host, bind_port = host or cfg.api_host, port or cfg.api_port
    scheme = "https" if cfg.api_ssl_certfile else "http"
    console.print(f"Payer Exchange API on {scheme}://{bind_host}:{bind_port} (OpenAPI docs at /docs)")
    if workers == 1:
        uvicorn.run(create_app(cfg), host=bind_host, port=bind_port, **logs, **tls_options(cfg))
    else:  # each worker process builds its app from the same environment
        uvicorn.run("api.app:app_from_environment", factory=True, workers=workers, host=bind_host, port=bind_port,
                    **logs, **tls_options(cfg))  # fmt: skip


def logging_options(level: str) -> dict[str, Any]:
    """uvicorn logs through the JSON formatter (p2p/logs.py) in every worker process, at ``level``."""
    upper = log_level(level)
    return {"log_config": dict_config(upper), "log_level": upper.lower()}


CLIENT_CERT = {"none": ssl.CERT_NONE, "optional": ssl.CERT_OPTIONAL, "required": ssl.CERT_REQUIRED}


def check_tls_files(cfg: Settings) -> None:
    """Load the certificate, key and CA bundle once before uvicorn does, so a missing or wrong
    file is a configuration error naming the setting instead of a traceback from uvicorn."""
    if cfg.api_ssl_certfile is None:
        return
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        context.load_cert_chain(cfg.api_ssl_certfile, cfg.api_ssl_keyfile)
    except (OSError, ssl.SSLError) as exc:
        files = f"{cfg.api_ssl_certfile}" + (f", {cfg.api_ssl_keyfile}" if cfg.api_ssl_keyfile else "")
        raise ConfigurationError(
            f"P2P_API_SSL_CERTFILE / P2P_API_SSL_KEYFILE ({files}) cannot be used: {_reason(exc, NOT_A_PAIR)};"
            " they must be a PEM certificate and its private key"
        ) from None
    if cfg.api_ssl_ca_certs is not None:
        try:
            context.load_verify_locations(cfg.api_ssl_ca_certs)
        except (OSError, ssl.SSLError) as exc:
            raise ConfigurationError(
                f"P2P_API_SSL_CA_CERTS ({cfg.api_ssl_ca_certs}) cannot be used: {_reason(exc, 'not PEM')};"
                " it must be a PEM bundle of the CAs that sign partners' client certificates"
            ) from None


NOT_A_PAIR = "not PEM, or the key does not belong to the certificate"


def _reason(exc: OSError, unreadable: str) -> str:
    if isinstance(exc, ssl.SSLError):  # OpenSSL's own text names its source file, not the problem
        return unreadable
    return (exc.strerror or type(exc).__name__).lower()


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
