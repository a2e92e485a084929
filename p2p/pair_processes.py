"""The two payers' services as child processes: A's API, B's API and B's workers.

Any of them can be killed (SIGKILL, as a crash would) and restarted, and both payers'
Neo4j servers can be killed and restarted too; the demo and the reliability suite use this.
"""

from __future__ import annotations

import signal
import subprocess
import time
from collections import Counter
from pathlib import Path
from typing import Any

from graph import server
from p2p.bootstrap import ensure_neo4j
from p2p.payer_pair import PayerPair, spawn, wait_until_up
from p2p.settings import Settings

# Retries and leases short enough for a run of minutes (production keeps the defaults).
QUICK_RETRIES: dict[str, Any] = {
    "transfer_retry_base_s": 0.2, "transfer_retry_cap_s": 5.0, "transfer_max_attempts": 10,
    "transfer_poll_s": 0.2, "transfer_lease_s": 20.0, "outbound_timeout_s": 4.0, "transfer_hold_recheck_s": 5.0,
}  # fmt: skip


def fault_mix(rate: float, seed: int) -> dict[str, Any]:
    """Settings for A: ``rate`` of its answers fail transiently (503, 429, slower than B's
    timeout, connection reset) and 5% more are delivered twice to its handlers."""
    mix = {"503": 0.4, "429": 0.2, "slow": 0.2, "reset": 0.2}
    faults = ",".join(f"{kind}={rate * share:.4f}" for kind, share in mix.items()) + ",duplicate=0.05"
    return {"faults": faults if rate > 0 else "", "faults_seed": seed, "faults_slow_s": 6.0, "faults_retry_after_s": 1}


class Services:
    """``api-a``, ``api-b`` and ``worker-0..n-1`` of payer B, each logging to ``logs/<name>.log``."""

    def __init__(self, pair: PayerPair, workers: int, logs: Path) -> None:
        logs.mkdir(parents=True, exist_ok=True)
        self.pair, self.logs, self.kills = pair, logs, Counter[str]()
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        for name in ("api-a", "api-b", *(f"worker-{i}" for i in range(workers))):
            self.procs[name] = self._start(name)

    def side(self, name: str) -> Settings:
        return self.pair.a if name == "api-a" else self.pair.b

    def _start(self, name: str) -> subprocess.Popen[bytes]:
        args = ("serve",) if name.startswith("api") else ("worker", "--name", name)
        return spawn(self.side(name), *args, log=self.logs / f"{name}.log")

    def wait_until_up(self) -> None:
        """Both APIs answer; a process that exited at start is reported with its log."""
        for name in ("api-a", "api-b"):
            try:
                wait_until_up(self.pair.url(self.side(name)), exit_code=self.procs[name].poll)
            except RuntimeError as exc:
                raise RuntimeError(f"{exc}; see {self.logs / f'{name}.log'}") from None
        dead = [name for name, up in self.alive().items() if not up]
        if dead:
            raise RuntimeError(f"{', '.join(dead)} exited at start; see the logs in {self.logs}")

    def kill_and_restart(self, name: str) -> None:
        """SIGKILL one process and start it again (an API is back once it answers)."""
        self.procs[name].send_signal(signal.SIGKILL)
        self.procs[name].wait()
        self.kills["worker" if name.startswith("worker") else name] += 1
        time.sleep(0.5)
        self.procs[name] = self._start(name)
        if name.startswith("api"):
            wait_until_up(self.pair.url(self.side(name)))

    def kill_neo4j(self, side: Settings, down_s: float = 2.0) -> None:
        """SIGKILL one payer's Neo4j server (no clean shutdown), then start it again."""
        server.crash(side)
        self.kills[f"neo4j-{side.payer_id}"] += 1
        time.sleep(down_s)
        ensure_neo4j(side)

    def alive(self) -> dict[str, bool]:
        return {name: proc.poll() is None for name, proc in self.procs.items()}

    def stop(self) -> None:
        for proc in self.procs.values():
            proc.send_signal(signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
