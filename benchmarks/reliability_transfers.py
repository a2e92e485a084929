"""The reliability suite (``make reliability``): two local payers, each on a throw-away Neo4j
of its own under var/reliability, and four scenarios run against them, in this order:

- crashes: N transfers from B's enrollment system (with duplicates, A injecting transient
  faults) while A's API, B's API, B's workers and both Neo4j servers are SIGKILLed at random
  moments and restarted; then 0 lost, 0 stuck with the service, 0 done twice, all services up;
- concurrency: 200 simultaneous submissions of one request give one transfer, every answer
  pointing to it;
- fuzz: schemathesis over B's live OpenAPI document with valid tokens: no 5xx, responses conform;
- tampering: the untouched ledger verifies, then each modification planted in Neo4j (changed
  field, changed and rehashed, deleted, inserted, reordered) is the first problem verify names.

It prints one table (scenario, what was done, expected, observed, pass/fail); exit status 1
when a row fails. ``--only crashes`` (repeatable) runs a subset; sizes are flags.

    python benchmarks/reliability_transfers.py
    python benchmarks/reliability_transfers.py --only crashes --transfers 200 --kill-for 60
"""

from __future__ import annotations

import argparse
from pathlib import Path

from reliability import concurrency, crashes, fuzz, tampering
from reliability.context import two_payers
from reliability.verdicts import Result, exit_status, table
from rich.console import Console

from p2p.settings import PROJECT_ROOT

SCENARIOS = ("crashes", "concurrency", "fuzz", "tampering")  # tampering last: it leaves B's ledger broken
console = Console(width=max(160, Console().width))  # the table stays readable in a log file


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", action="append", choices=SCENARIOS, help="Run only this scenario (repeatable).")
    parser.add_argument("--members", type=int, default=20_000, help="Generated population (both payers).")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--workers", type=int, default=2, help="B's worker processes.")
    parser.add_argument("--transfers", type=int, default=500, help="crashes: transfers submitted.")
    parser.add_argument("--faults", type=float, default=0.2, help="crashes: share of A's answers failing transiently.")
    parser.add_argument("--duplicates", type=float, default=0.05, help="crashes: share of submissions sent twice.")
    parser.add_argument(
        "--kill-for", type=float, default=120, help="crashes: seconds of killing from the first submission."
    )
    parser.add_argument(
        "--no-neo4j-kills", dest="neo4j_kills", action="store_false", help="crashes: spare the Neo4j servers."
    )
    parser.add_argument(
        "--timeout", type=float, default=1800, help="crashes: seconds to wait for the transfers to settle."
    )
    parser.add_argument("--concurrent", type=int, default=200, help="concurrency: simultaneous submissions.")
    parser.add_argument("--fuzz-examples", type=int, default=25, help="fuzz: generated requests per operation.")
    parser.add_argument("--root", type=Path, default=PROJECT_ROOT / "var" / "reliability")
    return parser.parse_args()


def main() -> int:
    args = arguments()
    chosen = [s for s in SCENARIOS if s in (args.only or SCENARIOS)]
    results: list[Result] = []
    requests = (args.transfers if "crashes" in chosen else 0) + 1
    with two_payers(args.root, args.members, args.seed, args.workers, args.faults, console, requests) as suite:
        for scenario in chosen:
            console.rule(scenario)
            if scenario == "crashes":
                rows = crashes.run(
                    suite, args.transfers, args.duplicates, args.kill_for, args.neo4j_kills, args.timeout
                )
            elif scenario == "concurrency":
                rows = concurrency.run(suite, args.concurrent)
            elif scenario == "fuzz":
                rows = fuzz.run(suite, args.fuzz_examples)
            else:
                rows = tampering.run(suite)
            results += rows
            console.print(table(rows))
    console.print(table(results))
    status = exit_status(results)
    console.print("[green]every scenario passed[/green]" if status == 0 else "[red]a scenario failed[/red]")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
