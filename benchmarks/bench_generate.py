"""Synthetic population generation at scale: wall time per step, records and FHIR resources
per second, output size and peak memory (this process, and the largest worker process).

``ru_maxrss`` of the worker processes counts the parent's pages they share between fork and
exec (``spawn``), so the worker peak is also read from each worker's own ``VmHWM`` (Linux).
Writes into a temporary folder that is deleted afterwards (unless --keep).
Usage: python benchmarks/bench_generate.py [--members 1000000] [--history all|switchers|none]
       [--workers N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import threading
import time
from pathlib import Path

from synthetic import GeneratorConfig, HistoryScope, generate


def peak_mib(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # KiB on Linux


class WorkerPeaks(threading.Thread):
    """Polls the high-water resident memory (VmHWM) of this process's children."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_kib = 0
        self.stop = threading.Event()

    def run(self) -> None:
        me = str(os.getpid())
        while not self.stop.wait(0.5):
            for stat in Path("/proc").glob("[0-9]*/stat"):
                try:
                    if stat.read_text().rsplit(")", 1)[1].split()[1] != me:
                        continue
                    status = (stat.parent / "status").read_text()
                except (OSError, IndexError):
                    continue
                for line in status.splitlines():
                    if line.startswith("VmHWM:"):
                        self.peak_kib = max(self.peak_kib, int(line.split()[1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--history", choices=[h.value for h in HistoryScope], default="all")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--workers", type=int, default=None, help="default: one per CPU")
    parser.add_argument("--keep", type=Path, default=None, help="write here and keep the output")
    args = parser.parse_args()
    config = GeneratorConfig(members=args.members, seed=args.seed, history=HistoryScope(args.history))
    finished: dict[str, float] = {}
    began = time.perf_counter()

    def progress(step: str, done: int, total: int) -> None:
        if done == total and step not in finished:
            finished[step] = time.perf_counter() - began

    workers = WorkerPeaks()
    workers.start()
    with tempfile.TemporaryDirectory(prefix="bench-generate-") as tmp:
        out = args.keep or Path(tmp) / "out"
        result = generate(config, out, overwrite=args.keep is not None, workers=args.workers, progress=progress)
    wall = time.perf_counter() - began
    workers.stop.set()
    records = sum(result.records_per_payer.values())
    resources = sum(result.resources_per_type.values())
    print(f"members={args.members:,} history={args.history} seed={args.seed} workers={args.workers or 'auto'}")
    previous = 0.0
    for step, at in finished.items():
        print(f"  {step:<16} {at - previous:7.1f} s")
        previous = at
    print(f"wall time:            {wall:8.1f} s")
    print(f"canonical records:    {records:>12,}  ({records / wall:,.0f} records/s over the whole run)")
    print(f"FHIR resources:       {resources:>12,}  ({resources / wall:,.0f} resources/s over the whole run)")
    print(f"switches:             {result.switches:>12,}")
    print(f"output:               {result.files:>12,} files, {result.bytes / 1e9:.2f} GB")
    print(f"peak memory, main:    {peak_mib(resource.RUSAGE_SELF):8,.0f} MiB (ru_maxrss)")
    print(f"peak memory, workers: {workers.peak_kib / 1024:8,.0f} MiB (largest VmHWM), "
          f"{peak_mib(resource.RUSAGE_CHILDREN):,.0f} MiB (children ru_maxrss)")  # fmt: skip


if __name__ == "__main__":
    main()
