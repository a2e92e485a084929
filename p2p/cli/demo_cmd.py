"""``p2p demo``: the main job, end to end on the local Neo4j. It grows as the product does.

Today: start Neo4j, generate three payers' populations with known truth, validate and
normalise them, train a matching model (thresholds chosen for 0.999 precision on the
truth) and publish it, match every record, load the identity graph, run the cluster
quality checks, serve payer-a's API and answer the generator's payer switches away from
payer-a (``$member-match`` from payer-b and payer-c, with tokens and consents), and print
what happened and where to look next.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from graph.driver import server_version
from graph.loading import load_run
from graph.quality import run_quality_checks
from graph.schema import apply_schema
from graph.stewardship import routing_decision
from matching.linkage import jobs
from matching.linkage.registry import ModelRegistry
from p2p.bootstrap import ensure_neo4j, graph_store
from p2p.cli.common import console, friendly_errors, settings
from p2p.cli.demo_exchange import ExchangeFigures, payer_a_settings, run_switches
from p2p.ports import free_port
from synthetic import GeneratorConfig, HistoryScope, generate


@friendly_errors
def demo(
    members: Annotated[int, typer.Option(min=500, help="Persons in the generated population.")] = 10_000,
    seed: Annotated[int, typer.Option(help="Generator seed (same seed, same data).")] = 42,
    switches: Annotated[int, typer.Option(min=0, help="Payer-switch $member-match requests to answer.")] = 300,
) -> None:
    """Run the main job end to end and print a summary."""
    cfg = settings()
    root = cfg.data_dir / "demo"
    began = time.monotonic()
    with console.status("Starting Neo4j…"):
        ensure_neo4j(cfg)
    population = root / f"population-{members}-{seed}"
    if not (population / "manifest.json").is_file():
        with console.status(f"Generating {members:,} persons across three payers…"):
            generate(
                GeneratorConfig(members=members, seed=seed, history=HistoryScope.SWITCHERS), population, overwrite=True
            )
    payers = sorted((population / "payers").glob("*.parquet"))
    registry = ModelRegistry(root / "models")
    with console.status("Training") as status:
        trained = jobs.train_model(
            payers, registry, truth=population / "truth.parquet", persons=population / "persons.parquet",
            step=lambda msg: status.update(f"Training: {msg}…"),
        )  # fmt: skip
    registry.publish(trained.model.version)
    run_dir = root / "runs" / trained.model.version
    with console.status("Matching every record…"):
        summary = jobs.run_model(payers, trained.model, run_dir)
    with graph_store(cfg) as store, console.status("Loading the identity graph…"):
        apply_schema(store)
        report = load_run(store, run_dir)
        quality = run_quality_checks(store)
        version = server_version(store)
        states = store.read("steward/review_queue", {"limit": 3})
        sample = store.read("identity/demo_member_sample", {})
        routing = routing_decision(store, sample[0]["member_key"]) if sample else None
    figures = None
    if switches:
        exchange_settings = payer_a_settings(cfg, root, free_port())
        with graph_store(cfg) as store, console.status(f"Answering {switches} payer switches away from payer-a…"):
            figures = run_switches(store, exchange_settings, population, switches)
    _summary(trained, summary, report, quality.disputes_opened, version, cfg.bolt_uri, time.monotonic() - began)
    if figures is not None:
        _exchange_summary(figures)
    if states:
        console.print(f"Top of the steward queue: link {states[0]['link_id']} ({states[0]['state']})")
    if routing is not None:
        verdict = "routable" if routing.routable else f"held ({', '.join(r.value for r in routing.reasons)})"
        console.print(f"Routing check for member {routing.asked_for}: {verdict}")
    _next_steps(run_dir, population)


def _summary(
    trained: jobs.TrainResult, run: object, report: object, disputes: int, version: str, uri: str, seconds: float
) -> None:
    figures = trained.model.evaluation
    auto = figures.get("auto_confirmed_links", {})
    table = Table("what", "value", title="Payer Exchange demo", title_justify="left")
    table.add_row("Neo4j", f"{version} at {uri}")
    table.add_row(
        "model", f"{trained.model.version} (auto-confirm at weight {trained.model.thresholds.auto_confirm:.2f})"
    )
    table.add_row(
        "auto-confirmed links: precision / recall", f"{auto.get('precision', 0):.4f} / {auto.get('recall', 0):.4f}"
    )
    wrong = figures.get("wrong_auto_confirmed_by_kind", {})
    table.add_row("wrong links to twins / relatives", f"{wrong.get('twins', 0)} / {wrong.get('same_family', 0)}")
    table.add_row("records matched", f"{getattr(run, 'records', 0):,}")
    table.add_row(
        "links confirmed / for review",
        f"{getattr(run, 'confirm', 0):,} / {getattr(run, 'review', 0):,}"
        f" ({getattr(run, 'held_by_guard', 0):,} held by the auto-confirm guard)",
    )
    if getattr(report, "already_loaded", False):
        table.add_row("graph load", "already loaded (idempotent: nothing changed)")
    else:
        table.add_row(
            "graph load", f"{getattr(report, 'links_created', 0):,} links, {getattr(report, 'members', 0):,} members"
        )
    table.add_row("quality disputes opened", str(disputes))
    table.add_row("wall time", f"{seconds:.0f}s")
    console.print(table)


def _exchange_summary(figures: ExchangeFigures) -> None:
    table = Table(
        "answer", "requests", title="$member-match: payer-a answering payer-b and payer-c", title_justify="left"
    )
    for outcome, count in sorted(figures.outcomes.items(), key=lambda kv: -kv[1]):
        table.add_row(outcome, f"{count:,}")
    table.add_row("latency p95 (sequential, one process)", f"{figures.p95_ms:.0f} ms")
    console.print(table)
    if figures.example_decision:
        console.print(f"  why a member was matched:  p2p token issue --role steward --name you, then GET "
                      f"/steward/decisions/{figures.example_decision}?format=html on `p2p serve`")  # fmt: skip
        console.print(f"  its audit trail:           p2p audit search --correlation-id {figures.example_correlation}")


def _next_steps(run_dir: Path, population: Path) -> None:
    console.print("\n[bold]Where to look next[/bold]")
    console.print("  p2p steward queue                      candidate and disputed links, most impactful first")
    console.print("  p2p steward history LINK_ID            why two records are linked, and every change since")
    console.print("  cypher/steward/*.cypher                saved steward queries (see cypher/steward/README.md)")
    console.print("  p2p serve, then http://127.0.0.1:8080/docs   the steward API")
    console.print(f"  {run_dir}   the matching run; {population}   the generated data and its truth")
