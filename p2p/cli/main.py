"""Entry point of the ``p2p`` console script."""

from __future__ import annotations

import typer

from p2p.cli import (
    audit_cmd,
    bulk_cmd,
    data_cmd,
    demo_cmd,
    generate_cmd,
    graph_cmd,
    impact_cmd,
    match_cmd,
    neo4j_cmd,
    partner_cmd,
    quality_cmd,
    serve_cmd,
    steward_cmd,
    token_cmd,
    transfers_cmd,
    worker_cmd,
)

app = typer.Typer(
    name="p2p",
    help="Payer Exchange: payer-to-payer member exchange with an auditable identity graph.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(neo4j_cmd.app, name="neo4j")
graph_cmd.app.command("quality")(quality_cmd.quality)
app.add_typer(graph_cmd.app, name="graph")
app.add_typer(data_cmd.app, name="data")
match_cmd.app.command("impact")(impact_cmd.impact)
app.add_typer(match_cmd.app, name="match")
app.add_typer(steward_cmd.app, name="steward")
app.add_typer(partner_cmd.app, name="partner")
app.add_typer(token_cmd.app, name="token")
app.add_typer(audit_cmd.app, name="audit")
app.command("generate")(generate_cmd.generate)
app.command("demo")(demo_cmd.demo)
app.command("serve")(serve_cmd.serve)
app.command("worker")(worker_cmd.worker)
app.add_typer(transfers_cmd.app, name="transfers")
app.add_typer(bulk_cmd.app, name="bulk")


def main() -> None:
    app()
