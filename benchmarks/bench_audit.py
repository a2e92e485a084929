"""Audit ledger on a throw-away Neo4j (spare ports, temporary home): appends per second (one
per transaction, single thread and concurrent; and many per transaction to fill the ledger),
then verification of the whole chain (events/s, peak memory), member search and a member
evidence packet among those events.

Usage: python benchmarks/bench_audit.py [--events 100000] [--threads 8] [--heap 1g] [--pagecache 1g]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import threading
import time
import tracemalloc

from throwaway import throwaway_store

from audit.checkpointing import create_checkpoint
from audit.domain.events import EventDraft, Outcome
from audit.keys import AuditKeys
from audit.ledger import append
from audit.search import Criteria, search
from audit.service import member_evidence, verify
from graph.store import GraphStore, TxRunner

WARM_UP = 200  # appends before anything is timed (counted in the ledger, not in the figures)
FILL_BATCH = 500  # appends per transaction when filling the ledger
CHECKPOINT_EVERY = 10_000  # events between signed checkpoints while filling (as a periodic service would)


def draft(n: int) -> EventDraft:
    return EventDraft(
        actor="steward:bench", actor_role="data_steward", action="link.confirm", resource_type="Link",
        resource_id=f"L{n}", outcome=Outcome.SUCCESS, reason_code="LINK_CONFIRMED", correlation_id=f"c{n}",
        member_keys=(f"M-{n % 20_000}", f"M-{(n * 7) % 20_000}"), request_sha256="a" * 64, response_sha256="b" * 64,
        details={"from_state": "CANDIDATE", "to_state": "CONFIRMED", "links_moved": 1},
    )  # fmt: skip


def one_per_transaction(store: GraphStore, start: int, count: int) -> None:
    for n in range(start, start + count):
        store.in_write_transaction(lambda tx, n=n: append(tx, draft(n)))


def fill(store: GraphStore, keys: AuditKeys, start: int, count: int) -> None:
    def batch(tx: TxRunner, first: int, size: int) -> None:
        for n in range(first, first + size):
            append(tx, draft(n))

    for first in range(start, start + count, FILL_BATCH):
        size = min(FILL_BATCH, start + count - first)
        store.in_write_transaction(lambda tx, first=first, size=size: batch(tx, first, size))
        if (first + size) // CHECKPOINT_EVERY > first // CHECKPOINT_EVERY:
            create_checkpoint(store, keys)


def rate(label: str, count: int, seconds: float, unit: str = "appends/s") -> None:
    print(f"{label}: {count:,} in {seconds:.1f}s = {count / seconds:,.0f} {unit}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--single", type=int, default=1_000, help="appends timed one per transaction, one thread")
    parser.add_argument("--heap", default="1g")
    parser.add_argument("--pagecache", default="1g")
    args = parser.parse_args()
    with throwaway_store(args.heap, args.pagecache) as (store, root):
        run(store, AuditKeys(root / "keys" / "signing.pem", root / "keys" / "public"), args)


def run(store: GraphStore, keys: AuditKeys, args: argparse.Namespace) -> None:
    one_per_transaction(store, -WARM_UP, WARM_UP)  # a fresh server plans and compiles its queries first
    t = time.perf_counter()
    one_per_transaction(store, 0, args.single)
    rate("single thread, one append per transaction", args.single, time.perf_counter() - t)

    per_thread = args.single // args.threads
    threads = [
        threading.Thread(target=one_per_transaction, args=(store, args.single + i * per_thread, per_thread))
        for i in range(args.threads)
    ]
    t = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    rate(f"{args.threads} threads, one append per transaction", per_thread * args.threads, time.perf_counter() - t)

    done = WARM_UP + args.single + per_thread * args.threads
    t = time.perf_counter()
    fill(store, keys, done, args.events - done)  # seq done+1.. up to args.events
    rate(f"fill, {FILL_BATCH} appends per transaction", args.events - done, time.perf_counter() - t)
    create_checkpoint(store, keys)

    t = time.perf_counter()
    report = verify(store, keys)
    seconds = time.perf_counter() - t
    assert report.ok, report.first_problem
    rate("verify", report.events, seconds, "events/s")
    tracemalloc.start()  # a second pass for memory only: tracing slows Python several times over
    verify(store, keys)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"verify peak Python heap: {peak / 2**20:.1f} MiB (pages of 5,000 events); process peak RSS: "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")  # fmt: skip

    timings = []
    for n in range(50):
        t = time.perf_counter()
        search(store, Criteria(member_key=f"M-{n * 37}"), limit=100)
        timings.append(time.perf_counter() - t)
    print(f"member search among {report.events:,} events: p50 {statistics.median(timings) * 1000:.1f} ms, "
          f"max {max(timings) * 1000:.1f} ms")  # fmt: skip
    t = time.perf_counter()
    packet = member_evidence(store, keys, "M-1234")
    assert packet is not None, "the benchmark's events concern M-1234"
    print(f"member evidence packet ({len(packet.sections[0].rows)} events, proof "
          f"{'verified' if packet.verified else 'FAILED'}): {(time.perf_counter() - t) * 1000:.0f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
