"""Identity graph at scale, on a throw-away Neo4j (spare ports, temporary home):
load a matching run of ~1,000,000 records with their links (relationships/s), then an
incremental run of 10,000 new records against that graph, then steward queue latency.

Usage: python benchmarks/bench_graph.py [--members 680000] [--new 10000] [--heap 3g] [--pagecache 3g]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq

from graph import server
from graph.loading import load_run
from graph.schema import apply_schema
from matching.linkage import jobs
from matching.linkage.registry import ModelRegistry
from p2p.bootstrap import ensure_neo4j, graph_store
from p2p.ports import free_port
from p2p.settings import load_settings
from services.incremental import match_incremental
from synthetic import GeneratorConfig, HistoryScope, generate


def relationships(store) -> int:  # type: ignore[no-untyped-def]
    return int(
        store.driver.execute_query("MATCH ()-[r]->() RETURN count(r) AS n", database_=store.database).records[0]["n"]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=680_000)
    parser.add_argument("--new", type=int, default=10_000)
    parser.add_argument("--heap", default="3g")
    parser.add_argument("--pagecache", default="3g")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        settings = load_settings(
            neo4j_home=root / "neo4j", neo4j_bolt_port=free_port(), neo4j_http_port=free_port(),
            neo4j_heap=args.heap, neo4j_pagecache=args.pagecache, neo4j_query_timeout_s=600, data_dir=root,
        )  # fmt: skip
        t = time.perf_counter()
        generate(GeneratorConfig(members=args.members, seed=7, history=HistoryScope.NONE), root / "pop")
        print(f"generated {args.members:,} members in {time.perf_counter() - t:.0f}s")
        payers = sorted((root / "pop" / "payers").glob("*.parquet"))
        last = pq.read_table(payers[-1])
        pq.write_table(last.slice(0, last.num_rows - args.new), root / "base-last.parquet")
        pq.write_table(last.slice(last.num_rows - args.new), root / "new.parquet")
        base = [*payers[:-1], root / "base-last.parquet"]

        t = time.perf_counter()
        trained = jobs.train_model(base, ModelRegistry(root / "models"))
        print(f"trained in {time.perf_counter() - t:.0f}s")
        t = time.perf_counter()
        run = jobs.run_model(base, trained.model, root / "run")
        print(
            f"matched {run.records:,} records in {time.perf_counter() - t:.0f}s "
            f"({run.confirm:,} confirm, {run.review:,} review)"
        )
        try:
            ensure_neo4j(settings)
            with graph_store(settings) as store:
                apply_schema(store)
                t = time.perf_counter()
                report = load_run(store, root / "run")
                seconds = time.perf_counter() - t
                rels = relationships(store)
                print(
                    f"graph load: {report.records:,} records, "
                    f"{report.links_created:,} links, {report.members:,} members in {seconds:.0f}s"
                )
                print(
                    f"  {rels:,} relationships -> {rels / seconds:,.0f} "
                    f"relationships/s, {report.records / seconds:,.0f} records/s"
                )
                t = time.perf_counter()
                inc = match_incremental(store, root / "new.parquet", trained.model, root / "inc")
                print(
                    f"incremental: {inc.new_records:,} new records "
                    f"vs {inc.candidates:,} candidates in {time.perf_counter() - t:.1f}s "
                    f"({inc.load.links_created:,} links)"
                )
                latencies = []
                for _ in range(30):
                    t = time.perf_counter()
                    store.read("steward/review_queue", {"limit": 50})
                    latencies.append((time.perf_counter() - t) * 1000)
                latencies.sort()
                print(
                    f"steward queue (50 rows): p50 {statistics.median(latencies):.0f} "
                    f"ms, p95 {latencies[int(0.95 * len(latencies)) - 1]:.0f} ms"
                )
        finally:
            server.stop(settings)


if __name__ == "__main__":
    main()
