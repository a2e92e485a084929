"""``p2p demo``: the main job. Two payers on this machine exchange members' histories.

From nothing: generate a population whose members switch plans (payer A and payer B hold
10,000+ members each), train and publish a matching model, load each payer's identity graph
into a Neo4j server of its own, start both payers' APIs and two of B's workers as processes,
and let B's enrollment system ask for its new members' histories from A: identity check in
B's graph, ``$member-match`` at A, consent, ``$everything``, ingestion, acknowledgment. A
injects transient faults (503, 429, slow answers, connection resets, duplicate deliveries),
the enrollment system submits duplicates, and a few members come from payer-c, whose
endpoint is down: their transfers are retried, then dead-lettered for an operator. Then it
prints what happened, writes one transfer's evidence packet, and says where to look; the
services run until Ctrl-C (or stop at once with ``--exit``).
"""

from __future__ import annotations

import random
import signal
import time
from dataclasses import dataclass
from typing import Annotated

import httpx
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from graph import server
from graph.quality import run_quality_checks
from graph.server import port_in_use
from p2p.bootstrap import graph_store
from p2p.cli.common import UserError, console, friendly_errors, settings
from p2p.cli.demo_report import graphs_table, next_steps, transfers_table, write_env_files, write_evidence
from p2p.pair_outcome import read_outcome
from p2p.pair_processes import QUICK_RETRIES, Services, fault_mix
from p2p.pair_traffic import enrollment_client, settle, submit_all, transfer_requests
from p2p.payer_pair import OFFLINE, Enrollment, PayerPair, introduce, introduce_offline, pair_settings, prepare
from p2p.ports import free_port


def _bar(description: str) -> Progress:
    return Progress(TextColumn(description), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console)


@friendly_errors
def demo(
    members: Annotated[int, typer.Option(min=2_000, help="Persons in the generated population.")] = 28_000,
    seed: Annotated[int, typer.Option(help="Generator seed (same seed, same data).")] = 42,
    transfers: Annotated[int, typer.Option(min=1, max=5_000, help="Members payer B asks payer A about.")] = 200,
    faults: Annotated[float, typer.Option(min=0, max=0.5, help="Share of A's answers that fail transiently.")] = 0.2,
    duplicates: Annotated[float, typer.Option(min=0, max=1, help="Share of requests submitted twice.")] = 0.1,
    offline: Annotated[
        int, typer.Option(min=0, max=100, help="Members whose previous payer (payer-c) is down: dead letters.")
    ] = 4,
    workers: Annotated[int, typer.Option(min=1, max=8, help="Payer B's worker processes.")] = 2,
    exit_at_end: Annotated[bool, typer.Option("--exit", help="Stop the services at the end.")] = False,
) -> None:
    """Two payers exchange their switching members' histories, with faults and duplicates."""
    began = time.monotonic()
    root = settings().data_dir / "demo"
    ports = (settings().api_port + 1, settings().api_port + 2)  # stable URLs when they are free
    ports = ports if not any(port_in_use(p) for p in ports) else (free_port(), free_port())
    pair = pair_settings(settings(), root, root / f"population-{members}-{seed}", ports, **QUICK_RETRIES)
    pair = PayerPair(pair.root, pair.population, pair.a.model_copy(update=fault_mix(faults, seed)), pair.b)
    try:
        enrollment = _prepare(pair, members, seed)
        holds = _exchange(pair, enrollment, Abuse(transfers, faults, duplicates, offline, seed), workers, exit_at_end)
    except KeyboardInterrupt:
        console.print("\nInterrupted: stopping.", style="yellow")
        raise typer.Exit(130) from None
    except RuntimeError as exc:  # a service did not come up
        raise UserError(str(exc)) from None
    finally:
        with console.status("Stopping both Neo4j servers…"):
            server.stop(pair.a)
            server.stop(pair.b)
    console.print(f"whole run {time.monotonic() - began:.0f} s", style="dim")
    if not holds:
        raise typer.Exit(1)


@dataclass(frozen=True)
class Abuse:
    transfers: int
    faults: float
    duplicates: float
    offline: int
    seed: int


def _prepare(pair: PayerPair, members: int, seed: int) -> Enrollment:
    with console.status("Preparing both payers") as status:
        prepared = prepare(pair, members, seed, step=lambda m: status.update(f"{m[0].upper()}{m[1:]}…"))
        status.update("Checking the identity graphs' clusters…")
        disputes = {}
        for side in (pair.a, pair.b):
            with graph_store(side) as store:
                disputes[side.payer_id] = run_quality_checks(store).disputes_opened
        status.update("Introducing the payers to each other…")
        enrollment = introduce(pair)
        introduce_offline(pair)
    console.print(graphs_table(pair, prepared, disputes))
    return enrollment


def _exchange(pair: PayerPair, enrollment: Enrollment, abuse: Abuse, workers: int, exit_at_end: bool) -> bool:
    """Start the services, run the transfers, report; True when every reliability check holds."""
    root = pair.root
    services = Services(pair, workers, root / "logs")
    try:
        with console.status("Starting both payers' APIs and payer B's workers…"):
            services.wait_until_up()
        bodies = transfer_requests(pair, abuse.transfers) + transfer_requests(pair, abuse.offline, previous=OFFLINE)
        smart = enrollment_client(pair, enrollment, httpx.Client(timeout=30))
        started = time.monotonic()
        with _bar("Payer B's enrollment submits transfer requests") as bar:
            task = bar.add_task("submit", total=None)
            answers = submit_all(pair, smart, bodies, abuse.duplicates, random.Random(abuse.seed),
                                 progress=lambda: bar.advance(task))  # fmt: skip
            bar.update(task, total=bar.tasks[0].completed)
        _follow(pair, len(bodies))
        took = time.monotonic() - started
        outcome = read_outcome(pair, bodies)
        console.print(transfers_table(outcome, answers, abuse.faults, took))
        evidence = write_evidence(pair.b, pair.a, outcome.example_transfer(), root / "evidence")
        next_steps(pair, evidence, write_env_files(pair, root), root / "logs", outcome)
        if not outcome.holds:
            console.print("a reliability check failed: see the table above", style="red")
        if not exit_at_end:
            _serve_until_interrupted()
        return outcome.holds
    finally:
        with console.status("Stopping both APIs and the workers…"):
            services.stop()


def _follow(pair: PayerPair, total: int, timeout_s: float = 1800) -> None:
    """A bar of transfers that reached a resting state (finished, or waiting on a person)."""
    with _bar("Transfers finished or with their owner") as bar:
        task = bar.add_task("settle", total=total)

        def show(busy: int) -> None:
            if busy >= 0:  # -1: B's database did not answer this time
                bar.update(task, completed=max(total - busy, 0))

        settle(pair, timeout_s, progress=show)


def _serve_until_interrupted() -> None:
    console.print(Text.assemble("\n", ("Both payers keep running.", "bold"), " Press Ctrl-C to stop them."))
    try:
        while True:
            signal.pause()
    except KeyboardInterrupt:
        console.print()
