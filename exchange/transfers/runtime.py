"""What a worker needs to run steps: the store, settings, one HTTP client, the partners'
token clients, the retry policy, its own name and a random source for jitter."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

import httpx

from audit import clock
from exchange.domain.retry import RetryPolicy
from exchange.transfers.partners import PartnerClients
from graph.store import GraphStore
from p2p.settings import Settings


@dataclass
class Runtime:
    store: GraphStore
    settings: Settings
    http: httpx.Client
    partners: PartnerClients
    policy: RetryPolicy
    worker_id: str
    rng: random.Random

    @property
    def actor(self) -> str:
        return f"service:{self.worker_id}"

    def now(self) -> datetime:
        return clock.now()
