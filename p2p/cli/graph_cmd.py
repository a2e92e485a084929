"""``p2p graph ...``: schema and maintenance of the identity graph."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from graph.maintenance import delete_all_data
from graph.schema import apply_schema, schema_objects
from p2p.bootstrap import ensure_neo4j, graph_store
from p2p.cli.common import UserError, console, friendly_errors, settings

app = typer.Typer(help="The identity graph in Neo4j.", no_args_is_help=True)


@app.command()
@friendly_errors
def schema(
    show: Annotated[bool, typer.Option("--show", help="List the indexes and constraints present.")] = False,
) -> None:
    """Apply the numbered cypher/schema files not yet applied (safe to run any number of times)."""
    cfg = settings()
    ensure_neo4j(cfg)
    with graph_store(cfg) as store:
        report = apply_schema(store)
        objects = schema_objects(store) if show else []
    for name in report.applied_now:
        console.print(f"applied  {name}")
    console.print(f"{len(report.applied_now)} applied now, {len(report.already_applied)} already applied.")
    if show:
        table = Table("name", "type", "on", "properties", "constraint")
        for row in objects:
            table.add_row(
                str(row["name"]),
                str(row["type"]),
                ", ".join(row["labelsOrTypes"] or []),
                ", ".join(row["properties"] or []),
                "yes" if row["backs_constraint"] else "",
            )
        console.print(table)


@app.command()
@friendly_errors
def reset(
    yes: Annotated[bool, typer.Option("--yes", help="Confirm: delete every node of the database.")] = False,
) -> None:
    """Delete all data of the configured database (keeps the schema). For demos and development."""
    if not yes:
        raise UserError("this deletes every node of the database; run again with --yes to confirm")
    cfg = settings()
    with graph_store(cfg) as store:
        deleted = delete_all_data(store)
    console.print(f"Deleted {deleted} nodes from database {cfg.neo4j_database}.")
