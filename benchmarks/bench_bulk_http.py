"""Bulk payer-to-payer exchange as the old payer, through HTTP: the same requests as
bench_bulk.py (one $bulk-member-match per new payer, then $davinci-data-export of each matched
Group), sent to `p2p serve` by each new payer with its own SMART token, polled on the status URLs,
and every export file downloaded and checked against its hash. Then a 10,000-member kick-off
(the real requests' bundles repeated under new Patient ids), timed to its 202 and cancelled.
Prints seconds, members/s, resources/s, MB/s and the API process's peak memory.

Needs the population bench_bulk.py builds in --workdir (run it first, or this builds it).

Usage: python benchmarks/bench_bulk_http.py [--members 30000] [--bulk 10000] [--workdir var/bench-bulk]
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.bench_bulk import bodies, consented_switches
from benchmarks.bench_member_match import bench_env, build
from exchange.bulk.pull_flow import as_member_bundle
from graph import server
from p2p.bootstrap import graph_store
from p2p.ports import free_port
from p2p.settings import load_settings
from synthetic.switch_requests import payer_identifier
from tests.support.bulk import poll
from tests.support.partners import bearer, register_partner, token_for

SCOPES = "system/Group.bulk-member-match system/Group.export"
FHIR = {"Content-Type": "application/fhir+json", "Prefer": "respond-async"}
EXPORT = {"exportType": "hl7.fhir.us.davinci-pdex#payertopayer"}


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def compact(body: dict[str, Any]) -> bytes:
    return json.dumps(body, separators=(",", ":")).encode()


def kick_off(http: httpx.Client, auth: dict[str, str], path: str, **kwargs: Any) -> tuple[str, float]:
    t = time.perf_counter()
    started = http.post(path, headers={**auth, **FHIR}, **kwargs)
    assert started.status_code == 202, started.text[:500]
    return started.headers["Content-Location"], time.perf_counter() - t


def wait(http: httpx.Client, auth: dict[str, str], url: str) -> dict[str, Any]:
    done, _ = poll(http, url, auth, timeout_s=7200)
    assert done.status_code == 200, done.text[:500]
    result: dict[str, Any] = done.json()
    return result


def started_api(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    api = subprocess.Popen([sys.executable, "-m", "p2p", "serve", "--port", str(port)], env=os.environ | env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/.well-known/smart-configuration")
            return api
        except httpx.TransportError:
            time.sleep(0.5)
    api.terminate()
    raise SystemExit("the API did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=30_000, help="persons generated (as bench_bulk.py)")
    parser.add_argument("--bulk", type=int, default=10_000, help="members asked for in bulk (at most)")
    parser.add_argument("--workdir", type=Path, default=Path("var/bench-bulk"))
    args = parser.parse_args()
    workdir = args.workdir.resolve()
    env = {**bench_env(workdir, "1g", "1g"), "P2P_MEMBER_DATA_DIR": str(workdir / "pop" / "fhir"),
           "P2P_API_RATE_PER_S": "1000", "P2P_API_RATE_BURST": "1000"}  # fmt: skip
    build(workdir, args.members, env)
    settings = load_settings(**{k[4:].lower(): v for k, v in env.items()})
    requests = bodies(workdir, args.bulk)
    port = free_port()
    with graph_store(settings) as store:
        partners = {p: register_partner(store, f"{p}-http-{port}", scopes=SCOPES.split(),
                                        identifiers=["|".join(payer_identifier(p))]) for p in requests}  # fmt: skip
    api = started_api(env, port)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=600) as http:
            auth = {p: bearer(token_for(http, partner, SCOPES)) for p, partner in partners.items()}
            members = sum(len(b["parameter"]) for b in requests.values())
            sent = {p: compact(b) for p, b in requests.items()}
            t = time.perf_counter()
            status = {p: kick_off(http, auth[p], "/fhir/Group/$bulk-member-match", content=sent[p]) for p in requests}
            groups, matched = {}, 0
            for p, (url, _) in status.items():
                result = {q["name"]: q["resource"] for q in wait(http, auth[p], url)["parameter"]}
                groups[p] = result["MatchedMembers"]["id"]
                matched += len(result["MatchedMembers"]["member"])
            match_s = time.perf_counter() - t
            t = time.perf_counter()
            exports = {p: kick_off(http, auth[p], f"/fhir/Group/{g}/$davinci-data-export", params=EXPORT)[0]
                       for p, g in groups.items()}  # fmt: skip
            manifests = {p: wait(http, auth[p], url) for p, url in exports.items()}
            export_s = time.perf_counter() - t
            t = time.perf_counter()
            resources = size = 0
            for p, manifest in manifests.items():
                for entry in manifest["output"]:
                    content = http.get(entry["url"], headers=auth[p]).content
                    assert entry["url"].endswith(f"/{hashlib.sha256(content).hexdigest()}.ndjson")
                    resources, size = resources + entry["count"], size + len(content)
            download_s = time.perf_counter() - t
            first = next(iter(requests))
            singles = [single for partner, single in consented_switches(workdir, args.bulk) if partner == first]
            big = [as_member_bundle(copy.deepcopy(singles[i % len(singles)]), f"big{i}") for i in range(10_000)]
            big_bytes = compact({"resourceType": "Parameters", "parameter": big})
            rss_before = peak_rss_mb(api.pid)
            big_url, big_s = kick_off(http, auth[first], "/fhir/Group/$bulk-member-match", content=big_bytes)
            http.delete(big_url, headers=auth[first])
            rss = peak_rss_mb(api.pid)
    finally:
        api.terminate()
        api.wait(timeout=60)
        server.stop(settings)
    print(f"\nthrough HTTP (p2p serve, one process): {members:,} members in {len(requests)} requests")
    kicks = ", ".join(f"{len(sent[p]) / 1e6:.1f} MB {s:.2f} s" for p, (_, s) in status.items())
    print(f"  kick-offs to 202: {kicks}")
    print(f"  $bulk-member-match until every result is ready: {match_s:.1f} s, {members / match_s:.0f} members/s; "
          f"{matched:,} matched")  # fmt: skip
    rates = f"{resources / export_s:,.0f} resources/s, {size / 1e6 / export_s:.1f} MB/s"
    print(f"  $davinci-data-export until every manifest is ready: {export_s:.1f} s ({rates})")
    print(f"  download of {resources:,} resources, {size / 1e6:.1f} MB, hashes checked: {download_s:.1f} s, "
          f"{size / 1e6 / download_s:.1f} MB/s")  # fmt: skip
    print(f"  a 10,000-member kick-off ({len(big_bytes) / 1e6:.1f} MB): {big_s:.2f} s to 202 (then cancelled)")
    print(f"  API process peak memory (VmHWM): {rss_before:,.0f} MB before that kick-off, {rss:,.0f} MB after")


if __name__ == "__main__":
    main()
