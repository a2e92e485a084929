"""``p2p graph ...``: schema and maintenance of the identity graph."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress, TaskID
from rich.table import Table

from graph.bulk_import import BulkImporter
from graph.loading import load_run
from graph.maintenance import delete_all_data
from graph.review_queue import rank_all_open_links
from graph.run_folder import read_run_meta
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


@app.command()
@friendly_errors
def load(
    run: Annotated[Path, typer.Argument(help="Run folder written by `p2p match run`.")],
    offline_import: Annotated[
        bool,
        typer.Option(
            help="Into an empty local database, load with Neo4j's offline importer (the server restarts once)."
        ),
    ] = True,
) -> None:
    """Load a matching run: records, links, decisions and members (loading it twice changes nothing)."""
    read_run_meta(run)  # an unusable folder is refused before Neo4j is started
    cfg = settings()
    ensure_neo4j(cfg)
    with graph_store(cfg) as store, Progress(console=console, transient=True) as bar:
        apply_schema(store)
        tasks: dict[str, TaskID] = {}

        def progress(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = bar.add_task(f"Loading {step}", total=total)
            bar.update(tasks[step], completed=done, total=total)

        report = load_run(store, run, progress, BulkImporter.for_settings(cfg) if offline_import else None)
    if report.already_loaded:
        console.print(f"Run {report.run_id} was already loaded; nothing changed.")
        return
    console.print(
        f"Run {report.run_id}: {report.records} records, {report.links_created} links created, "
        f"{report.transitions} earlier links moved (superseded or disputed), {report.kept} kept as decided by people, "
        f"{report.members} members ({report.members_changed} record memberships changed)."
    )


@app.command("rank-queue")
@friendly_errors
def rank_queue() -> None:
    """Rank every open link for the steward queue: once, for a graph loaded before the queue kept its order."""
    cfg = settings()
    ensure_neo4j(cfg)
    with graph_store(cfg) as store:
        apply_schema(store)
        ranked = rank_all_open_links(store)
    console.print(f"Ranked {ranked} open links for the steward queue.")
