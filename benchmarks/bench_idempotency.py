"""Idempotency-Key records on a throw-away Neo4j (spare ports, temporary home): what a keyed request
adds to the database work of a request (a new key claimed and its answer stored), what a replay costs
(a claim that finds the stored answer), single thread and concurrent, the purge rate, and the
contended case (many threads, one key: exactly one runs).

Usage: python benchmarks/bench_idempotency.py [--keys 5000] [--threads 8] [--heap 512m] [--pagecache 512m]
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
from collections.abc import Callable

from throwaway import throwaway_store

from exchange.domain.idempotency import Verdict
from exchange.idempotency_store import IdempotencyStore, StoredResponse, purge_expired

ANSWER = StoredResponse(200, [("content-type", "application/fhir+json")], b'{"resourceType": "Parameters"}' * 40)


def timed(threads: int, count: int, work: Callable[[int], None]) -> tuple[float, list[float]]:
    """Runs work(0..count-1) spread over threads; returns (operations/s, per-operation latencies in ms)."""
    latencies: list[float] = []
    lock = threading.Lock()

    def worker(first: int) -> None:
        mine = []
        for n in range(first, count, threads):
            start = time.perf_counter()
            work(n)
            mine.append((time.perf_counter() - start) * 1000)
        with lock:
            latencies.extend(mine)

    start = time.perf_counter()
    pool = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return count / (time.perf_counter() - start), latencies


def report(label: str, rate: float, latencies: list[float]) -> None:
    p50, p95 = statistics.quantiles(latencies, n=100)[49], statistics.quantiles(latencies, n=100)[94]
    print(f"{label:<44} {rate:8.0f}/s   p50 {p50:6.2f} ms   p95 {p95:6.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=5000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--heap", default="512m")
    parser.add_argument("--pagecache", default="512m")
    args = parser.parse_args()
    with throwaway_store(args.heap, args.pagecache) as (store, _):
        keys = IdempotencyStore(store, 60, 86_400)

        def new_key(prefix: str) -> Callable[[int], None]:
            def run(n: int) -> None:
                claim = keys.claim("bench-client", f"{prefix}-{n}", "fp")
                keys.complete("bench-client", f"{prefix}-{n}", claim.token, ANSWER)

            return run

        new_key("warm")(0)
        for threads in (1, args.threads):
            rate, latencies = timed(threads, args.keys, new_key(f"t{threads}"))
            report(f"new key: claim + store answer, {threads} thread(s)", rate, latencies)

        def replay(n: int) -> None:
            assert keys.claim("bench-client", f"t1-{n}", "fp").verdict is Verdict.REPLAY

        for threads in (1, args.threads):
            report(f"replay: claim finds the answer, {threads} thread(s)", *timed(threads, args.keys, replay))
        verdicts: list[Verdict] = []
        barrier = threading.Barrier(args.threads)

        def contend(_: int) -> None:
            barrier.wait()
            verdicts.append(keys.claim("bench-client", "one-key", "fp").verdict)

        timed(args.threads, args.threads, contend)
        ran = verdicts.count(Verdict.RUN)
        print(f"{args.threads} threads, one key: {ran} ran, {len(verdicts) - ran} answered 409 or replay")
        expired = IdempotencyStore(store, 60, 0)
        for n in range(args.keys):
            expired.claim("bench-client", f"old-{n}", "fp")
        start = time.perf_counter()
        purged = purge_expired(store)
        print(f"purge: {purged} expired records in {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
