"""Cold start of the project's local Neo4j: seconds until Bolt answers, and its resident memory.

Runs a throw-away server on spare ports in a temporary home, so the main one is untouched.
Usage: python benchmarks/bench_neo4j_start.py [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from graph import server
from p2p.ports import free_port
from p2p.settings import load_settings


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    cold, warm, rss = [], [], []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as home:
            settings = load_settings(neo4j_home=Path(home), neo4j_bolt_port=free_port(), neo4j_http_port=free_port())
            began = time.perf_counter()
            result = server.start(settings)
            cold.append(time.perf_counter() - began)
            rss.append(rss_mib(result.pid))
            server.stop(settings)
            began = time.perf_counter()
            result = server.start(settings)  # existing data directory
            warm.append(time.perf_counter() - began)
            server.stop(settings)
    print(f"neo4j heap={settings.neo4j_heap} pagecache={settings.neo4j_pagecache} runs={args.runs}")
    print(f"start, new home:      median {statistics.median(cold):.1f}s  max {max(cold):.1f}s")
    print(f"start, existing home: median {statistics.median(warm):.1f}s  max {max(warm):.1f}s")
    print(f"resident memory after start: median {statistics.median(rss):.0f} MiB")


if __name__ == "__main__":
    main()
