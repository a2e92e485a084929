"""``p2p neo4j start|stop|status``: the project's own local Neo4j server."""

from __future__ import annotations

import time

import typer

from graph import server
from graph.driver import server_version
from graph.errors import GraphError
from graph.schema import apply_schema
from p2p.bootstrap import ensure_neo4j, graph_store
from p2p.cli.common import console, friendly_errors, settings

app = typer.Typer(
    help="Start, stop and inspect the local Neo4j server (or report the external one).", no_args_is_help=True
)


@app.command()
@friendly_errors
def start() -> None:
    """Start the local Neo4j (a running one is reused) and wait until Bolt answers."""
    cfg = settings()
    began = time.monotonic()
    with console.status("Starting Neo4j…"):
        result = ensure_neo4j(cfg)
        with graph_store(cfg) as store:
            version = server_version(store)
            schema = apply_schema(store)
    if result is None:
        console.print(f"Using the external Neo4j at {cfg.bolt_uri} ({version}); nothing started.")
    else:
        verb = f"Started in {time.monotonic() - began:.1f}s" if result.started_now else "Already running"
        console.print(f"{verb}: {version}, pid {result.pid}, {cfg.bolt_uri}, home {cfg.neo4j_home}")
    console.print(
        f"Schema: {len(schema.applied_now)} files applied now, {len(schema.already_applied)} already applied."
    )


@app.command()
@friendly_errors
def stop() -> None:
    """Stop the local Neo4j cleanly and free its ports."""
    cfg = settings()
    if not cfg.uses_local_server:
        console.print(f"Neo4j is external ({cfg.bolt_uri}); the project does not stop it.")
        return
    pid = server.stop(cfg)
    console.print(f"Stopped Neo4j (pid {pid})." if pid else "Neo4j was not running.")


@app.command()
@friendly_errors
def status() -> None:
    """Print whether Neo4j runs, its version and its URI (exit 1 when it does not run)."""
    cfg = settings()
    pid = server.running_pid(server.ServerPaths(cfg.neo4j_home)) if cfg.uses_local_server else None
    if cfg.uses_local_server and pid is None:
        console.print(f"not running (local server, {cfg.bolt_uri}, home {cfg.neo4j_home})")
        raise typer.Exit(1)
    try:
        with graph_store(cfg) as store:
            version = server_version(store)
    except GraphError as exc:
        console.print(f"not answering: {exc}")
        raise typer.Exit(1) from None
    where = f"local, pid {pid}, home {cfg.neo4j_home}" if pid else "external"
    console.print(f"running: {version}, {cfg.bolt_uri} ({where}), database {cfg.neo4j_database}")
