"""Crashes: while payer B's enrollment system submits N transfers (with duplicates) and A
injects transient faults, SIGKILL at random moments A's API, B's API, B's workers and both
payers' Neo4j servers (each restarted at once, as a supervisor would). Then every transfer
must end finished or owned by a person, with 0 lost and nothing done twice, and every service
must be up (none may have died of a database restart)."""

from __future__ import annotations

import dataclasses
import random
import threading
import time
from collections import Counter

from p2p.bootstrap import graph_store
from p2p.pair_outcome import PairOutcome, read_outcome
from p2p.pair_processes import Services
from p2p.pair_traffic import settle, submit_all
from p2p.payer_pair import wait_until_up

from .context import Suite
from .verdicts import Result, counts, crash_verdict


def targets(services: Services, neo4j: bool) -> list[str]:
    """What chaos may kill: every process, and with ``neo4j`` both payers' servers."""
    return [*services.procs, *(("neo4j-payer-a", "neo4j-payer-b") if neo4j else ())]


def kill(services: Services, target: str) -> None:
    if target.startswith("neo4j-"):
        services.kill_neo4j(services.pair.a if target.endswith("payer-a") else services.pair.b)
    else:
        services.kill_and_restart(target)


def chaos(services: Services, names: list[str], stop: threading.Event, rng: random.Random,
          failed: Counter[str]) -> None:  # fmt: skip
    """Kill each target in turn (shuffled each round) at random moments until told to stop; the
    first round always ends, so every target is killed at least once."""
    first = True
    while True:
        rng.shuffle(names)
        for name in names:
            if stop.wait(rng.uniform(2.0, 6.0)) and not first:
                return
            try:
                kill(services, name)
            except Exception as exc:  # a restart that failed is a finding, not the end of the run
                failed[f"{name}: {type(exc).__name__}"] += 1
        first = False


def _transfer_count(suite: Suite) -> int:
    with graph_store(suite.pair.b) as store:
        return len(store.read("transfers/list_transfers", {"state": None, "owner": None, "limit": 1_000_000}))


def _answering(suite: Suite) -> dict[str, bool]:
    up = {}
    for name, side in (("api-a answers", suite.pair.a), ("api-b answers", suite.pair.b)):
        try:
            wait_until_up(suite.pair.url(side), timeout_s=30)
            up[name] = True
        except RuntimeError:
            up[name] = False
    return up


def _details(suite: Suite, outcome: PairOutcome, seconds: float) -> None:
    """What the table's row summarises: attempts by class, why unfinished ones stopped, speed."""
    completed = outcome.states.get("completed", 0)
    p50, p95 = outcome.latency_p(50), outcome.latency_p(95)
    latency = f"; request to completion p50 {p50:.0f} s, p95 {p95:.0f} s" if p50 is not None and p95 is not None else ""
    suite.console.print(
        f"calls to A: {counts(outcome.attempts)}; {completed / seconds:.2f} completed transfers/s{latency}"
    )
    for reason, n in outcome.reasons.most_common(10):
        suite.console.print(f"  {n:5d}  {reason}")


def run(suite: Suite, transfers: int, duplicates: float, kill_for: float, neo4j: bool, timeout: float) -> list[Result]:
    bodies = suite.take(transfers)
    services = suite.services
    before = _transfer_count(suite)
    kills_before = Counter(services.kills)
    stop, failed = threading.Event(), Counter[str]()
    names = targets(services, neo4j)
    thread = threading.Thread(target=chaos, args=(services, list(names), stop, suite.rng, failed), daemon=True)
    began = time.monotonic()
    thread.start()
    with suite.console.status(f"Submitting {len(bodies)} transfers while killing {', '.join(names)}"):
        answers = submit_all(suite.pair, suite.smart, bodies, duplicates, suite.rng)
        time.sleep(max(10.0, kill_for - (time.monotonic() - began)))  # keep killing while the transfers move
        stop.set()
        thread.join()
    with suite.console.status("Waiting for every transfer to finish or reach its owner"):
        ended = settle(suite.pair, timeout)
    outcome = read_outcome(suite.pair, bodies)
    outcome = dataclasses.replace(outcome, transfers=outcome.transfers - before)
    _details(suite, outcome, ended - began)
    kills = services.kills - kills_before
    alive = {**services.alive(), **_answering(suite)}
    tried = (f"{len(bodies)} transfers in {sum(answers.values())} submissions ({duplicates:.0%} sent twice; answers: "
             f"{counts(answers)}), A failing {suite.faults:.0%} of its answers transiently; SIGKILL of "
             f"{', '.join(sorted(names))} in turn, 2-6 s apart, each restarted, for {kill_for:.0f} s; "
             f"settled {ended - began:.0f} s after the first submission")  # fmt: skip
    if failed:
        tried += f"; restarts that failed: {counts(failed)}"
    wanted = [n if n.startswith(("api", "neo4j")) else "worker" for n in names]
    result = crash_verdict(outcome, kills, wanted, alive, tried)
    if failed:
        result = dataclasses.replace(result, passed=False)
    return [result]
