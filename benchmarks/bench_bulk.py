"""Bulk payer-to-payer exchange as the old payer: $bulk-member-match of N members and the
$davinci-data-export of the matched Groups (five years of history), run by the bulk job
runner in this process against its own Neo4j and the generated member data store (DuckDB).

Builds (once, in --workdir) a generated population with FHIR histories, trains and
publishes a model, matches and loads the graph (the steps of bench_member_match.py); then
submits the generator's payer switches away from payer-a, with their opt-in consents, as
one bulk request per new payer and runs the jobs, in process (bench_bulk_http.py sends the same
requests through HTTP). Prints seconds and members/s for the match, resources/s and MB/s for
the export, and the outcome mix.

Usage: python benchmarks/bench_bulk.py [--members 30000] [--bulk 10000] [--workdir var/bench-bulk]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from audit import clock
from benchmarks.bench_member_match import bench_env, build
from exchange.bulk import service
from exchange.bulk.config import BulkConfig, bulk_config
from exchange.bulk.export_request import ExportRequest
from exchange.bulk.member_bundles import parse_bulk
from exchange.bulk.pull_flow import as_member_bundle
from exchange.bulk.runner import Runner
from exchange.member_match.result import Requester
from exchange.member_match.setup import match_context
from graph import server
from p2p.bootstrap import graph_store
from p2p.settings import load_settings
from synthetic import GeneratorConfig, HistoryScope, generate
from synthetic.switch_requests import payer_identifier, switch_request

PAYER = "payer-a"


def consented_switches(workdir: Path, limit: int) -> list[tuple[str, dict[str, Any]]]:
    """The switches away from payer-a that carry a consent (at most ``limit``), as each new
    payer's single ``$member-match`` request."""
    switches = [s for s in pq.read_table(workdir / "pop" / "switches.parquet").to_pylist()
                if s["old_payer_id"] == PAYER and s["new_dob"]]  # fmt: skip
    found: list[tuple[str, dict[str, Any]]] = []
    for s in switches:
        single = switch_request(s)
        if len(found) < limit and any(p["name"] == "Consent" for p in single["parameter"]):
            found.append((s["new_payer_id"], single))
    return found


def bodies(workdir: Path, limit: int) -> dict[str, dict[str, Any]]:
    """One bulk request per new payer."""
    by_partner: dict[str, list[dict[str, Any]]] = {}
    for taken, (partner, single) in enumerate(consented_switches(workdir, limit)):
        by_partner.setdefault(partner, []).append(as_member_bundle(single, f"m{taken}"))
    return {p: {"resourceType": "Parameters", "parameter": b} for p, b in by_partner.items()}


def run_jobs(runner: Runner) -> float:
    t = time.perf_counter()
    runner.drain()
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--members", type=int, default=30_000, help="persons generated (histories for those who switch)"
    )
    parser.add_argument("--bulk", type=int, default=10_000, help="members asked for in bulk (at most)")
    parser.add_argument("--workdir", type=Path, default=Path("var/bench-bulk"))
    args = parser.parse_args()
    workdir = args.workdir.resolve()
    env = {**bench_env(workdir, "1g", "1g"), "P2P_MEMBER_DATA_DIR": str(workdir / "pop" / "fhir")}
    if not (workdir / "pop" / "manifest.json").is_file():
        t = time.perf_counter()
        generate(GeneratorConfig(members=args.members, seed=42, history=HistoryScope.SWITCHERS), workdir / "pop")
        print(f"generated {args.members:,} persons with histories in {time.perf_counter() - t:.0f}s")
    build(workdir, args.members, env)
    settings = load_settings(**{k[4:].lower(): v for k, v in env.items()})
    requests = bodies(workdir, args.bulk)
    try:
        with graph_store(settings) as store:
            config: BulkConfig = bulk_config(settings)
            runner = Runner(store, config, match_context(settings, store), clock.now)
            job_ids = {}
            for partner, body in requests.items():
                bundles = parse_bulk(body, settings.hrex_version)
                requester = Requester(partner, f"client-{partner}", f"partner:{partner}", (payer_identifier(partner),))
                job_ids[partner] = service.submit_match(store, config, body, bundles, requester, partner,
                                                        "bench-bulk-match", clock.now())  # fmt: skip
            members = sum(len(b["parameter"]) for b in requests.values())
            match_s = run_jobs(runner)
            outcomes: Counter[str] = Counter()
            groups = {}
            for partner, job_id in job_ids.items():
                answer = service.status(store, config, job_id, partner)
                assert answer is not None and answer.status == 200, answer
                for p in json.loads(answer.body)["parameter"]:
                    outcomes[p["name"]] += len(p["resource"]["member"])
                    if p["name"] == "MatchedMembers":
                        groups[partner] = p["resource"]["id"]
            exports = {}
            for partner, group_id in groups.items():
                requester = Requester(partner, f"client-{partner}", f"partner:{partner}", ())
                exports[partner] = service.submit_export(store, config, group_id, ExportRequest(), requester,
                                                         "bench", "bench-bulk-export", clock.now())  # fmt: skip
            export_s = run_jobs(runner)
            resources = size = refused = 0
            for partner, job_id in exports.items():
                assert job_id is not None
                answer = service.status(store, config, job_id, partner)
                assert answer is not None and answer.status == 200, answer
                manifest = json.loads(answer.body)
                resources += sum(e["count"] for e in manifest["output"])
                refused += sum(e["count"] for e in manifest["error"])
                size += sum((config.export_dir(job_id) / e["url"].rsplit("/", 1)[-1]).stat().st_size
                            for e in manifest["output"])  # fmt: skip
    finally:
        server.stop(settings)
    print(f"\n$bulk-member-match: {members:,} members in {len(requests)} requests (one per new payer)")
    print(f"  {match_s:.1f} s, {members / match_s:.0f} members/s")
    for name, count in outcomes.most_common():
        print(f"    {name}: {count:,}")
    exported = outcomes["MatchedMembers"]
    print(f"$davinci-data-export of the matched Groups: {exported:,} members, five-year look-back")
    rates = f"{resources / export_s:,.0f} resources/s, {size / 1e6 / export_s:.1f} MB/s"
    print(f"  {resources:,} resources, {size / 1e6:.1f} MB in {export_s:.1f} s: {rates}; {refused} members refused")


if __name__ == "__main__":
    main()
