"""Two payers for the suite: prepared once, their services started once, and the enrollment
traffic handed out so no two scenarios submit the same request."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console

from graph import server
from p2p.pair_processes import QUICK_RETRIES, Services, fault_mix
from p2p.pair_traffic import enrollment_client, transfer_requests
from p2p.payer_pair import PayerPair, introduce, pair_settings, prepare
from p2p.settings import load_settings
from security.client import SmartClient

# B's rate limit out of the way: the suite measures idempotency and recovery, not the limiter.
UNLIMITED = {"api_rate_per_s": 1e6, "api_rate_burst": 1_000_000}


@dataclass
class Suite:
    pair: PayerPair
    services: Services
    smart: SmartClient
    rng: random.Random
    pool: list[dict[str, Any]]
    console: Console
    faults: float
    used: int = field(default=0)

    def take(self, n: int) -> list[dict[str, Any]]:
        """``n`` transfer requests no other scenario has submitted."""
        if self.used + n > len(self.pool):
            raise SystemExit(f"only {len(self.pool) - self.used} unused transfer requests left; use more --members")
        taken = self.pool[self.used : self.used + n]
        self.used += n
        return taken


@contextmanager
def two_payers(root: Path, members: int, seed: int, workers: int, faults: float, console: Console,
               requests: int) -> Iterator[Suite]:  # fmt: skip
    """Both payers prepared (databases emptied and reloaded), introduced, their services up."""
    population = root / f"population-{members}-{seed}"
    pair = pair_settings(load_settings(), root, population, **QUICK_RETRIES, **UNLIMITED)
    pair = PayerPair(pair.root, pair.population, pair.a.model_copy(update=fault_mix(faults, seed)), pair.b)
    with console.status("Preparing both payers") as status:
        prepare(pair, members, seed, step=lambda m: status.update(m))
    enrollment = introduce(pair)
    services = Services(pair, workers, root / "logs")
    try:
        services.wait_until_up()
        with httpx.Client(timeout=30) as http:
            smart = enrollment_client(pair, enrollment, http)
            pool = transfer_requests(pair, requests)
            yield Suite(pair, services, smart, random.Random(seed), pool, console, faults)
    finally:
        services.stop()
        server.stop(pair.a)
        server.stop(pair.b)
