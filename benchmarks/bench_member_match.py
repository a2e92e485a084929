"""Real-time $member-match against a large identity graph, over real HTTP on loopback.

Builds (once, in --workdir) a generated population of about 1,000,000 records, trains and
publishes a model, matches every record and loads the graph into its own Neo4j; then starts
`p2p serve` as payer-a and replays the generator's payer-switch requests to payer-a from a
bounded load generator (--concurrency requests in flight). Prints latency percentiles,
throughput, peak memory of the API process, the outcome mix and the wrong-member answers
(checked against the generator's truth through the graph).

Requests carry no Consent and the server runs with P2P_MEMBER_MATCH_REQUIRES_CONSENT=false,
so the figures measure identity decisions; consent rules are tested, not benchmarked.

Usage: python benchmarks/bench_member_match.py [--members 680000] [--requests 10000] [--concurrency 8]
       [--workdir var/bench-member-match] [--heap 3g] [--pagecache 3g]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from exchange.member_match import queries
from graph import server
from graph.loading import load_run
from graph.schema import apply_schema
from matching.linkage import jobs
from matching.linkage.registry import ModelRegistry
from p2p.bootstrap import ensure_neo4j, graph_store
from p2p.partner_setup import SCOPES as DEMO_SCOPES
from p2p.partner_setup import partner_with_fresh_key
from p2p.ports import free_port
from p2p.settings import load_settings
from security.token_service import ASSERTION_TYPE, GRANT_TYPE
from synthetic import GeneratorConfig, HistoryScope, generate
from synthetic.switch_requests import payer_identifier, switch_request
from tests.support.partners import RegisteredPartner, assertion_for

PAYER = "payer-a"
SCOPES = " ".join(DEMO_SCOPES)


def build(workdir: Path, members: int, env: dict[str, str]) -> None:
    """Population, model, matching run and graph, each step skipped when already done."""
    settings = load_settings(**{k[4:].lower(): v for k, v in env.items()})
    population = workdir / "pop"
    if not (population / "manifest.json").is_file():
        t = time.perf_counter()
        generate(GeneratorConfig(members=members, seed=42, history=HistoryScope.NONE), population, overwrite=True)
        print(f"generated {members:,} persons in {time.perf_counter() - t:.0f}s")
    payers = sorted((population / "payers").glob("*.parquet"))
    registry = ModelRegistry(workdir / "models")
    if not (workdir / "models" / "published.json").is_file():
        t = time.perf_counter()
        trained = jobs.train_model(payers, registry, truth=population / "truth.parquet",
                                   persons=population / "persons.parquet")  # fmt: skip
        registry.publish(trained.model.version)
        print(f"trained and published {trained.model.version} in {time.perf_counter() - t:.0f}s")
    model = registry.published()
    run = workdir / "runs" / model.version
    if not (run / "run.json").is_file():
        t = time.perf_counter()
        summary = jobs.run_model(payers, model, run)
        print(f"matched {summary.records:,} records in {time.perf_counter() - t:.0f}s")
    ensure_neo4j(settings)
    with graph_store(settings) as store:
        apply_schema(store)
        t = time.perf_counter()
        report = load_run(store, run)
        if not report.already_loaded:
            print(f"loaded the graph in {time.perf_counter() - t:.0f}s")


def bench_env(workdir: Path, heap: str, pagecache: str) -> dict[str, str]:
    """Settings of a throw-away Neo4j and data folder in ``workdir`` (ports kept for the next run), as payer-a."""
    workdir.mkdir(parents=True, exist_ok=True)
    ports_file = workdir / "ports.json"
    if not ports_file.is_file():
        ports_file.write_text(json.dumps({"bolt": free_port(), "http": free_port()}))
    ports = json.loads(ports_file.read_text())
    system, value = payer_identifier(PAYER)
    return {
        "P2P_NEO4J_HOME": str(workdir / "neo4j"), "P2P_NEO4J_BOLT_PORT": str(ports["bolt"]),
        "P2P_NEO4J_HTTP_PORT": str(ports["http"]), "P2P_NEO4J_HEAP": heap, "P2P_NEO4J_PAGECACHE": pagecache,
        "P2P_NEO4J_QUERY_TIMEOUT_S": "900", "P2P_DATA_DIR": str(workdir), "P2P_PAYER_ID": PAYER,
        "P2P_PAYER_IDENTIFIERS": f"{system}|{value}",
    }  # fmt: skip


def register(env: dict[str, str], partner_ids: list[str]) -> dict[str, RegisteredPartner]:
    settings = load_settings(**{k[4:].lower(): v for k, v in env.items()})
    registered = {}
    with graph_store(settings) as store:
        for partner_id in partner_ids:
            client_id, key = partner_with_fresh_key(store, partner_id)
            registered[partner_id] = RegisteredPartner(partner_id, client_id, key.private_key, key.kid)
    return registered


async def replay(base: str, requests: list[tuple[str, bytes]], tokens: dict[str, str], concurrency: int
                 ) -> list[tuple[int, float, str, dict[str, Any]]]:  # fmt: skip
    queue: asyncio.Queue[int] = asyncio.Queue()
    for index in range(len(requests)):
        queue.put_nowait(index)
    results: list[Any] = [None] * len(requests)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as http:

        async def worker() -> None:
            while not queue.empty():
                index = queue.get_nowait()
                partner, body = requests[index]
                headers = {"Content-Type": "application/fhir+json", "Authorization": f"Bearer {tokens[partner]}"}
                t = time.perf_counter()
                response = await http.post("/fhir/Patient/$member-match", content=body, headers=headers)
                elapsed = (time.perf_counter() - t) * 1000
                results[index] = (response.status_code, elapsed, response.headers.get("X-Decision-ID", ""),
                                  response.json())  # fmt: skip

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return results


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=680_000)
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=1, help="API processes (p2p serve --workers)")
    parser.add_argument("--workdir", type=Path, default=Path("var/bench-member-match"))
    parser.add_argument("--heap", default="3g")
    parser.add_argument("--pagecache", default="3g")
    args = parser.parse_args()
    workdir = args.workdir.resolve()
    env = bench_env(workdir, args.heap, args.pagecache)
    env.update({"P2P_MEMBER_MATCH_REQUIRES_CONSENT": "false", "P2P_API_RATE_PER_S": "1000000",
                "P2P_API_RATE_BURST": "1000000"})  # fmt: skip
    settings = load_settings(**{k[4:].lower(): v for k, v in env.items()})
    build(workdir, args.members, env)
    switches = [s for s in pq.read_table(workdir / "pop" / "switches.parquet").to_pylist()
                if s["old_payer_id"] == PAYER and s["new_dob"]][: args.requests]  # fmt: skip
    requests = [(s["new_payer_id"], json.dumps(switch_request(s, with_consent=False)).encode()) for s in switches]
    registered = register(env, sorted({p for p, _ in requests}))
    port = free_port()
    command = [sys.executable, "-m", "p2p", "serve", "--port", str(port), "--workers", str(args.workers)]
    api = subprocess.Popen(command, env=os.environ | env)
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=120) as http:
            deadline = time.monotonic() + 300
            while True:
                try:
                    http.get("/fhir/metadata")
                    break
                except httpx.TransportError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.5)
            tokens = {}
            for partner_id, partner in registered.items():
                form = {"grant_type": GRANT_TYPE, "scope": SCOPES, "client_assertion_type": ASSERTION_TYPE,
                        "client_assertion": assertion_for(partner, f"{base}/auth/token")}  # fmt: skip
                tokens[partner_id] = http.post("/auth/token", data=form).json()["access_token"]
        asyncio.run(replay(base, requests[:200], tokens, args.concurrency))  # warm-up
        t = time.perf_counter()
        results = asyncio.run(replay(base, requests, tokens, args.concurrency))
        wall = time.perf_counter() - t
        rss = peak_rss_mib(api.pid)
    finally:
        api.terminate()
        api.wait(timeout=30)
    latencies = [r[1] for r in results]
    q = statistics.quantiles(latencies, n=100)
    outcomes: Counter[str] = Counter()
    named: dict[int, str] = {}
    for index, (status, _ms, _decision, body) in enumerate(results):
        if status == 200:
            outcomes["unique_match"] += 1
            named[index] = body["parameter"][0]["valueIdentifier"]["value"]
        else:
            outcomes[f"{status} {body['issue'][0].get('details', {}).get('coding', [{}])[0].get('code', '?')}"] += 1
    truth = {r["record_id"]: r["person_id"] for r in pq.read_table(workdir / "pop" / "truth.parquet").to_pylist()}
    with graph_store(settings) as store:
        keys = sorted(set(named.values()))
        persons: dict[str, set[str]] = {}
        for start in range(0, len(keys), 2000):
            for row in store.read("identity/member_records", {"member_keys": keys[start : start + 2000]}):
                persons[row["member_key"]] = {truth[r] for r in row["record_ids"] if r in truth}
        records = queries.decision_count(store)
    wrong = sum(1 for index, key in named.items() if switches[index]["person_id"] not in persons.get(key, set()))
    print(f"\n$member-match, {len(results):,} payer-switch requests to {PAYER}, {args.concurrency} in flight, "
          f"{args.workers} API process(es)")  # fmt: skip
    print(f"  latency p50 {q[49]:.1f} ms, p95 {q[94]:.1f} ms, p99 {q[98]:.1f} ms")
    print(f"  throughput {len(results) / wall:.0f} requests/s")
    print(f"  unique matches {outcomes['unique_match']:,} ({outcomes['unique_match'] / len(results):.1%}); "
          f"wrong member {wrong}")  # fmt: skip
    for outcome, count in outcomes.most_common():
        print(f"    {outcome}: {count:,}")
    print(f"  API peak RSS {rss:.0f} MiB; decisions recorded in the graph: {records:,}")
    if os.environ.get("BENCH_KEEP_NEO4J") != "1":
        server.stop(settings)


if __name__ == "__main__":
    main()
