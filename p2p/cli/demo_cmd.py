"""``p2p demo``: the main job, end to end, on the local Neo4j. It grows as the product does."""

from __future__ import annotations

from graph.driver import server_version
from graph.schema import apply_schema, schema_objects
from p2p.bootstrap import ensure_neo4j, graph_store
from p2p.cli.common import console, friendly_errors, settings


@friendly_errors
def demo() -> None:
    """Start Neo4j, apply the schema and report what exists so far."""
    cfg = settings()
    with console.status("Starting Neo4j…"):
        result = ensure_neo4j(cfg)
    with graph_store(cfg) as store:
        version = server_version(store)
        report = apply_schema(store)
        objects = schema_objects(store)
    where = f"local pid {result.pid}" if result else "external"
    console.print(f"[bold]Neo4j[/bold] {version} at {cfg.bolt_uri} ({where}), database {cfg.neo4j_database}")
    console.print(
        f"[bold]Schema[/bold] {len(report.applied_now) + len(report.already_applied)} files applied, "
        f"{len(objects)} indexes and constraints present"
    )
