"""Identity graph at scale, on a throw-away Neo4j (temporary home): load a matching run of
~1,000,000 records with their links (relationships/s), then an incremental run of 10,000
new records against that graph, then steward queue latency.

Usage: python benchmarks/bench_graph.py [--members 680000] [--new 10000] [--heap 3g] [--pagecache 3g]
       [--data DIR] [--bolt-port P --http-port P]

`--data DIR` keeps the generated population, the model and the matching run there and
reuses them on the next call (generation, training and matching take minutes at 1M);
without it everything lives in a temporary folder. 100,000 members give about 140,000
records to load, 680,000 about 1,000,000.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq

from graph import server
from graph.bulk_import import BulkImporter
from graph.loading import load_run
from graph.schema import apply_schema
from graph.store import GraphStore
from matching.linkage import jobs
from matching.linkage.registry import ModelFile, ModelRegistry
from p2p.bootstrap import ensure_neo4j, graph_store
from p2p.ports import free_port
from p2p.settings import Settings, load_settings
from services.incremental import match_incremental
from synthetic import GeneratorConfig, HistoryScope, generate


def relationships(store: GraphStore) -> int:
    query = "MATCH ()-[r]->() RETURN count(r) AS n"
    found = store.driver.execute_query(query, database_=store.database, bookmark_manager_=store.bookmarks)
    return int(found.records[0]["n"])


@dataclass(frozen=True)
class Prepared:
    run: Path
    new: Path
    model: ModelFile


def prepare(root: Path, members: int, new: int) -> Prepared:
    """Population, model and matching run, made once per folder and reused."""
    run, new_file, marker = root / "run", root / "new.parquet", root / "model.txt"
    if (run / "run.json").is_file() and new_file.is_file() and marker.is_file():
        print(f"reusing the population, model and run in {root}")
        return Prepared(run, new_file, ModelRegistry(root / "models").load(marker.read_text().strip()))
    t = time.perf_counter()
    generate(GeneratorConfig(members=members, seed=7, history=HistoryScope.NONE), root / "pop")
    print(f"generated {members:,} members in {time.perf_counter() - t:.0f}s")
    payers = sorted((root / "pop" / "payers").glob("*.parquet"))
    last = pq.read_table(payers[-1])
    pq.write_table(last.slice(0, last.num_rows - new), root / "base-last.parquet")
    pq.write_table(last.slice(last.num_rows - new), new_file)
    base = [*payers[:-1], root / "base-last.parquet"]
    t = time.perf_counter()
    trained = jobs.train_model(base, ModelRegistry(root / "models"))
    print(f"trained in {time.perf_counter() - t:.0f}s")
    t = time.perf_counter()
    summary = jobs.run_model(base, trained.model, run)
    print(
        f"matched {summary.records:,} records in {time.perf_counter() - t:.0f}s "
        f"({summary.confirm:,} confirm, {summary.review:,} review)"
    )
    marker.write_text(trained.model.version)
    return Prepared(run, new_file, trained.model)


class StageClock:
    """Seconds per load step, from the loader's progress callback."""

    def __init__(self) -> None:
        self.start = self.last = time.perf_counter()
        self.stages: dict[str, float] = {}

    def __call__(self, step: str, done: int, total: int) -> None:
        now = time.perf_counter()
        self.stages[step] = self.stages.get(step, 0.0) + now - self.last
        self.last = now

    def summary(self) -> str:
        return ", ".join(f"{name} {seconds:.1f}s" for name, seconds in self.stages.items())


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def bench(store: GraphStore, data: Prepared, root: Path, importer: BulkImporter | None) -> None:
    apply_schema(store)
    clock = StageClock()
    report = load_run(store, data.run, clock, importer)
    seconds = time.perf_counter() - clock.start
    rels = relationships(store)
    print(f"graph load: {report.records:,} records, {report.links_created:,} links, {report.members:,} members")
    print(
        f"  {seconds:.0f}s: {rels:,} relationships -> {rels / seconds:,.0f} relationships/s, "
        f"{report.records / seconds:,.0f} records/s"
    )
    print(f"  steps: {clock.summary()}")
    t = time.perf_counter()
    inc = match_incremental(store, data.new, data.model, root / "inc")
    print(
        f"incremental: {inc.new_records:,} new records vs {inc.candidates:,} candidates "
        f"in {time.perf_counter() - t:.1f}s ({inc.load.links_created:,} links)"
    )
    latencies = []
    for _ in range(30):
        t = time.perf_counter()
        store.read("steward/review_queue", {"limit": 50})
        latencies.append((time.perf_counter() - t) * 1000)
    latencies.sort()
    print(
        f"steward queue (50 rows): p50 {statistics.median(latencies):.0f} ms, "
        f"p95 {latencies[int(0.95 * len(latencies)) - 1]:.0f} ms"
    )


@contextmanager
def folder(path: str | None) -> Iterator[Path]:
    if path:
        Path(path).mkdir(parents=True, exist_ok=True)
        yield Path(path).resolve()
    else:
        with tempfile.TemporaryDirectory() as tmp:
            yield Path(tmp)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=680_000)
    parser.add_argument("--new", type=int, default=10_000)
    parser.add_argument("--heap", default="3g")
    parser.add_argument("--pagecache", default="3g")
    parser.add_argument("--data", help="keep and reuse the population, model and run here")
    parser.add_argument("--bolt-only", action="store_true", help="no offline import for the first load")
    parser.add_argument("--bolt-port", type=int, default=0, help="default: a free port")
    parser.add_argument("--http-port", type=int, default=0, help="default: a free port")
    args = parser.parse_args()
    with folder(args.data) as root, tempfile.TemporaryDirectory() as scratch:
        data = prepare(root, args.members, args.new)
        settings: Settings = load_settings(
            neo4j_home=Path(scratch) / "neo4j", neo4j_bolt_port=args.bolt_port or free_port(),
            neo4j_http_port=args.http_port or free_port(), neo4j_heap=args.heap, neo4j_pagecache=args.pagecache,
            neo4j_query_timeout_s=600, data_dir=Path(scratch),
        )  # fmt: skip
        try:
            ensure_neo4j(settings)
            with graph_store(settings) as store:
                bench(store, data, Path(scratch), None if args.bolt_only else BulkImporter.for_settings(settings))
            pid = server.running_pid(server.ServerPaths(settings.neo4j_home))  # the import restarts it
            if pid is not None:
                print(f"peak memory: Neo4j {peak_rss_mib(pid):,.0f} MiB resident, ", end="")
            print(f"this process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB")
        finally:
            server.stop(settings)


if __name__ == "__main__":
    main()
