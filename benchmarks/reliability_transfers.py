"""Transfers under abuse: payer B pulls its new members' histories from payer A while A
injects transient faults and B's enrollment system submits duplicates; with ``--kill``, a
worker and the APIs are killed with SIGKILL at random moments and restarted.

Then it checks what the workflow promises: every submitted request has exactly one
transfer (0 lost), every transfer is finished or owned by someone who must act (nothing
stuck with the service), and nothing was done twice (at most one identity decision at A and
one ingestion at B per transfer). It prints what was tried, what happened, and transfers/s.

    python benchmarks/reliability_transfers.py --transfers 1000 --faults 0.2 --duplicates 0.05
    python benchmarks/reliability_transfers.py --transfers 200 --kill

Exit status 0 when every check holds. Not timed in CI (make reliability runs it by hand).
"""

from __future__ import annotations

import argparse
import random
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
from rich.console import Console
from rich.table import Table

from graph import server
from p2p.pair_outcome import PairOutcome, read_outcome
from p2p.pair_processes import QUICK_RETRIES, Services, fault_mix
from p2p.pair_traffic import enrollment_client, settle, submit_all, transfer_requests
from p2p.payer_pair import PayerPair, introduce, pair_settings, prepare
from p2p.settings import PROJECT_ROOT, load_settings

console = Console()


def chaos(services: Services, stop: threading.Event, rng: random.Random) -> None:
    """Kill each process in turn (shuffled each round) at random moments until told to stop."""
    while True:
        names = list(services.procs)
        rng.shuffle(names)
        for name in names:
            if stop.wait(rng.uniform(2.0, 6.0)):
                return
            services.kill_and_restart(name)


def report(result: PairOutcome, answers: Counter[str], kills: Counter[str], seconds: float) -> None:
    table = Table("check", "value", title="Transfer reliability", title_justify="left")
    for label, value in (("submitted", result.submitted), ("transfers", result.transfers), ("lost", result.lost),
                         ("stuck", result.stuck), ("decided twice", result.decided_twice),
                         ("ingested twice", result.ingested_twice),
                         ("acknowledged twice", result.acknowledged_twice)):  # fmt: skip
        table.add_row(label, str(value))
    table.add_row("submissions answered", ", ".join(f"{k} {v}" for k, v in sorted(answers.items())))
    table.add_row("duplicates suppressed", str(answers["replayed"] + answers["existing"]))
    table.add_row("attempts", ", ".join(f"{k} {v}" for k, v in result.attempts.most_common()))
    table.add_row("final states", ", ".join(f"{k} {v}" for k, v in result.states.most_common()))
    table.add_row("kills (SIGKILL)", ", ".join(f"{k} {v}" for k, v in sorted(kills.items())) or "none")
    completed = result.states.get("completed", 0)
    table.add_row("completed transfers/s", f"{completed / seconds:.2f} ({completed} in {seconds:.0f} s)")
    p50, p95 = result.latency_p(50), result.latency_p(95)
    if p50 is not None and p95 is not None:
        table.add_row("request to completion p50 / p95", f"{p50:.1f} s / {p95:.1f} s")
    console.print(table)
    for reason, count in result.reasons.most_common(12):
        console.print(f"  {count:5d}  {reason}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--transfers", type=int, default=1000)
    parser.add_argument("--faults", type=float, default=0.2, help="Share of A's answers failing transiently.")
    parser.add_argument("--duplicates", type=float, default=0.05, help="Share of submissions sent twice.")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--kill", action="store_true", help="SIGKILL workers and APIs at random moments.")
    parser.add_argument("--kill-for", type=float, default=120, help="Seconds of killing from the first submission.")
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--root", type=Path, default=PROJECT_ROOT / "var" / "reliability")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    population = args.root / f"population-{args.members}-{args.seed}"
    pair = pair_settings(load_settings(), args.root, population, **QUICK_RETRIES)
    pair = PayerPair(pair.root, pair.population, pair.a.model_copy(update=fault_mix(args.faults, args.seed)), pair.b)
    with console.status("Preparing both payers") as status:
        prepare(pair, args.members, args.seed, step=lambda m: status.update(m))
    enrollment = introduce(pair)
    services = Services(pair, args.workers, args.root / "logs")
    stop = threading.Event()
    try:
        services.wait_until_up()
        bodies = transfer_requests(pair, args.transfers)
        smart = enrollment_client(pair, enrollment, httpx.Client(timeout=30))
        began = time.monotonic()
        chaos_thread = threading.Thread(target=chaos, args=(services, stop, rng), daemon=True)
        if args.kill:
            chaos_thread.start()
        with console.status(f"Submitting {len(bodies)} transfers"):
            answers = submit_all(pair, smart, bodies, args.duplicates, rng)
        with console.status("Waiting for every transfer to finish or reach its owner"):
            if args.kill:  # keep killing while the transfers move, then let them settle
                time.sleep(max(10.0, args.kill_for - (time.monotonic() - began)))
                stop.set()
                chaos_thread.join()
            ended = settle(pair, args.timeout)
        result = read_outcome(pair, bodies)
        report(result, answers, services.kills, ended - began)
    finally:
        stop.set()
        services.stop()
        server.stop(pair.a)
        server.stop(pair.b)
    console.print("[green]all checks hold[/green]" if result.holds else "[red]a check failed[/red]")
    return 0 if result.holds else 1


if __name__ == "__main__":
    raise SystemExit(main())
