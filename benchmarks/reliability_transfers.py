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
import signal
import statistics
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from pathlib import Path
from typing import Any

import httpx
import pyarrow.parquet as pq
from rich.console import Console
from rich.table import Table

from exchange.domain.transfer import FINISHED, Owner, TransferState
from exchange.domain.transfer_rules import Intent
from graph import server
from p2p.bootstrap import graph_store
from p2p.payer_pair import A, B, PayerPair, done_twice, introduce, pair_settings, prepare, spawn, wait_until_up
from p2p.settings import PROJECT_ROOT, load_settings
from security.client import SmartClient
from synthetic.switch_requests import transfer_request

console = Console()
FAST = {"transfer_retry_base_s": 0.2, "transfer_retry_cap_s": 5.0, "transfer_max_attempts": 10,
        "transfer_poll_s": 0.2, "transfer_lease_s": 20.0, "outbound_timeout_s": 4.0,
        "transfer_hold_recheck_s": 5.0}  # fmt: skip


def fault_mix(rate: float, seed: int) -> dict[str, Any]:
    """``rate`` of A's answers fail transiently (503, 429, slower than B's timeout, reset);
    5% more are delivered twice to A's handlers."""
    mix = {"503": 0.4, "429": 0.2, "slow": 0.2, "reset": 0.2}
    faults = ",".join(f"{kind}={rate * share:.4f}" for kind, share in mix.items()) + ",duplicate=0.05"
    return {"faults": faults if rate > 0 else "", "faults_seed": seed, "faults_slow_s": 6.0, "faults_retry_after_s": 1}


class Processes:
    """A's API, B's API and B's workers as child processes that chaos may kill and restart."""

    def __init__(self, pair: PayerPair, workers: int, logs: Path) -> None:
        self.pair, self.logs, self.kills = pair, logs, Counter[str]()
        self.procs = {"api-a": spawn(pair.a, "serve", log=logs / "api-a.log"),
                      "api-b": spawn(pair.b, "serve", log=logs / "api-b.log")}  # fmt: skip
        for i in range(workers):
            self.procs[f"worker-{i}"] = self._worker(i)

    def _worker(self, i: int) -> Any:
        return spawn(self.pair.b, "worker", "--name", f"worker-{i}", log=self.logs / f"worker-{i}.log")

    def kill_and_restart(self, name: str) -> None:
        self.procs[name].send_signal(signal.SIGKILL)
        self.procs[name].wait()
        self.kills[name.rsplit("-", 1)[0] if name.startswith("worker") else name] += 1
        time.sleep(0.5)
        if name.startswith("worker"):
            self.procs[name] = self._worker(int(name.rsplit("-", 1)[1]))
        else:
            self.procs[name] = spawn(self.pair.a if name == "api-a" else self.pair.b, "serve",
                                     log=self.logs / f"{name}.log")  # fmt: skip
            wait_until_up(self.pair.url(self.pair.a if name == "api-a" else self.pair.b))

    def stop(self) -> None:
        for proc in self.procs.values():
            proc.send_signal(signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=15)
            except Exception:
                proc.kill()


def chaos(procs: Processes, stop: threading.Event, rng: random.Random) -> None:
    """Kill each process in turn (shuffled each round) at random moments until told to stop."""
    while True:
        names = list(procs.procs)
        rng.shuffle(names)
        for name in names:
            if stop.wait(rng.uniform(2.0, 6.0)):
                return
            procs.kill_and_restart(name)


def requests_for(pair: PayerPair, limit: int) -> list[dict[str, Any]]:
    today = date.today()  # the enrollment system asks while the member's opt-in holds
    switches = [s for s in pq.read_table(pair.population / "switches.parquet").to_pylist()
                if s["old_payer_id"] == A and s["new_payer_id"] == B and s["consent_opt_in"]
                and s["consent_start"] <= today <= s["consent_end"]]  # fmt: skip
    switches.sort(key=lambda s: (s["switch_date"], s["switch_id"]), reverse=True)  # the newest members first
    with graph_store(pair.b) as store:
        ids = [s["new_record_id"] for s in switches]
        member = {r["record_id"]: r["member_key"] for r in store.read("identity/current_members", {"record_ids": ids})}
    bodies = [transfer_request(s, member[s["new_record_id"]]) for s in switches if s["new_record_id"] in member]
    return [b for b in bodies if b is not None][:limit]


def submit_all(pair: PayerPair, smart: SmartClient, bodies: list[dict[str, Any]], duplicates: float,
               rng: random.Random) -> Counter[str]:  # fmt: skip
    """Each body once (retried with its key until answered), plus duplicates: the same key again or a new key."""
    plan = [(b, uuid.uuid4().hex) for b in bodies]
    extra = [(b, k if rng.random() < 0.5 else uuid.uuid4().hex) for b, k in plan if rng.random() < duplicates]
    answers: Counter[str] = Counter()
    lock = threading.Lock()

    def send(item: tuple[dict[str, Any], str]) -> None:
        body, key = item
        with httpx.Client(base_url=pair.url(pair.b), timeout=30) as http:
            for attempt in range(60):
                try:
                    r = http.post("/transfers", json=body, headers={**smart.auth_headers(), "Idempotency-Key": key})
                except httpx.HTTPError:
                    time.sleep(min(0.2 * 2**attempt, 3))
                    continue
                if r.status_code in (409, 429, 502, 503, 504):
                    time.sleep(min(0.2 * 2**attempt, 3))
                    continue
                kind = ("replayed" if r.headers.get("Idempotent-Replayed") == "true"
                        else "existing" if r.headers.get("X-Existing-Transfer") else str(r.status_code))  # fmt: skip
                with lock:
                    answers[kind] += 1
                return
        with lock:
            answers["gave up"] += 1

    items = plan + extra
    rng.shuffle(items)
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(send, items))
    return answers


def settle(pair: PayerPair, timeout_s: float) -> float:
    """Wait until no transfer is still the service's to move; returns when that happened."""
    deadline = time.monotonic() + timeout_s
    with graph_store(pair.b) as store:
        while time.monotonic() < deadline:
            now = datetime.now().astimezone().isoformat()
            row = store.read("transfers/state_counts", {"now": now})[0]
            busy = sum(s["transfers"] for s in row["states"] if s["owner"] == Owner.SERVICE.value)
            if busy == 0:
                return time.monotonic()
            time.sleep(1.0)
    return time.monotonic()


def check(pair: PayerPair, bodies: list[dict[str, Any]]) -> dict[str, Any]:
    found, states, reasons, lat = {}, Counter[str](), Counter[str](), []
    with graph_store(pair.b) as store:
        for body in bodies:
            intent = Intent(A, B, body["member_key"], body["source_request_id"])
            rows = store.read("transfers/transfer_by_intent", {"intent_key": intent.key})
            if rows:
                found[body["source_request_id"]] = rows[0]["transfer_id"]
        attempts = Counter[str]()
        for transfer_id in found.values():
            view = store.read("transfers/transfer", {"transfer_id": transfer_id})[0]
            t = view["transfer"]
            states[t["state"]] += 1
            if t["state"] not in ("completed",):
                reasons[f"{t['state']}: {t['reason']}"] += 1
            else:
                lat.append(
                    (datetime.fromisoformat(t["updated_at"]) - datetime.fromisoformat(t["created_at"])).total_seconds()
                )
            for a in view["attempts"]:
                attempts[a.get("error_class") or "ok"] += 1
        all_transfers = store.read("transfers/list_transfers", {"state": None, "owner": None, "limit": 1_000_000})
    stuck = sum(
        n
        for s, n in states.items()
        if s not in {*FINISHED, TransferState.DEAD_LETTERED, TransferState.HELD_FOR_IDENTITY}
    )
    return {
        "submitted": len(bodies), "lost": len(bodies) - len(found), "transfers": len(all_transfers),
        "stuck": stuck, "states": states, "reasons": reasons, "attempts": attempts,
        "decided_twice": done_twice(pair.a, "member_match.decide", by_transfer=False),
        "ingested_twice": done_twice(pair.b, "member_data.ingest", by_transfer=True),
        "acknowledged_twice": done_twice(pair.a, "transfer.acknowledgment_received", by_transfer=True),
        "latency_s": lat,
    }  # fmt: skip


def report(result: dict[str, Any], answers: Counter[str], kills: Counter[str], seconds: float) -> bool:
    table = Table("check", "value", title="Transfer reliability", title_justify="left")
    for key in ("submitted", "transfers", "lost", "stuck", "decided_twice", "ingested_twice", "acknowledged_twice"):
        table.add_row(key.replace("_", " "), str(result[key]))
    table.add_row("submissions answered", ", ".join(f"{k} {v}" for k, v in sorted(answers.items())))
    table.add_row("duplicates suppressed", str(answers["replayed"] + answers["existing"]))
    table.add_row("attempts", ", ".join(f"{k} {v}" for k, v in result["attempts"].most_common()))
    table.add_row("final states", ", ".join(f"{k} {v}" for k, v in result["states"].most_common()))
    table.add_row("kills (SIGKILL)", ", ".join(f"{k} {v}" for k, v in sorted(kills.items())) or "none")
    completed = result["states"].get("completed", 0)
    table.add_row("completed transfers/s", f"{completed / seconds:.2f} ({completed} in {seconds:.0f} s)")
    if len(result["latency_s"]) > 1:
        q = statistics.quantiles(result["latency_s"], n=20)
        table.add_row(
            "request to completion p50 / p95", f"{statistics.median(result['latency_s']):.1f} s / {q[18]:.1f} s"
        )
    console.print(table)
    for reason, count in result["reasons"].most_common(12):
        console.print(f"  {count:5d}  {reason}")
    return not (result["lost"] or result["stuck"] or result["decided_twice"] or result["ingested_twice"]
                or result["acknowledged_twice"] or result["transfers"] != result["submitted"])  # fmt: skip


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
    pair = pair_settings(load_settings(), args.root, population, **FAST)
    pair = PayerPair(pair.root, pair.population, pair.a.model_copy(update=fault_mix(args.faults, args.seed)), pair.b)
    with console.status("Preparing both payers") as status:
        prepare(pair, args.members, args.seed, step=lambda m: status.update(m))
    enrollment = introduce(pair)
    logs = args.root / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    procs = Processes(pair, args.workers, logs)
    stop = threading.Event()
    try:
        wait_until_up(pair.url(pair.a))
        wait_until_up(pair.url(pair.b))
        bodies = requests_for(pair, args.transfers)
        http = httpx.Client(timeout=30)
        smart = SmartClient(http, enrollment.key, token_url=f"{pair.url(pair.b)}/auth/token",
                            client_id=enrollment.client_id, scope="system/Transfer.write")  # fmt: skip
        began = time.monotonic()
        chaos_thread = threading.Thread(target=chaos, args=(procs, stop, rng), daemon=True)
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
        result = check(pair, bodies)
        ok = report(result, answers, procs.kills, ended - began)
    finally:
        stop.set()
        procs.stop()
        server.stop(pair.a)
        server.stop(pair.b)
    console.print("[green]all checks hold[/green]" if ok else "[red]a check failed[/red]")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
