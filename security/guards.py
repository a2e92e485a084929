"""Per-request guards kept in each process: the partner status cache and the per-caller rate limit."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from security.domain.lifecycle import PartnerStatus
from security.domain.ratelimit import TokenBucket

MAX_BUCKETS = 10_000


class StatusCache:
    """A partner's status, read again once the cached copy is ``ttl_s`` old (a suspension bites within it)."""

    def __init__(self, lookup: Callable[[str], PartnerStatus | None], ttl_s: float) -> None:
        self._lookup, self._ttl_s = lookup, ttl_s
        self._cache: dict[str, tuple[float, PartnerStatus | None]] = {}
        self._lock = threading.Lock()

    def status(self, partner_id: str) -> PartnerStatus | None:
        now = time.monotonic()
        with self._lock:
            cached = self._cache.get(partner_id)
        if cached is not None and now - cached[0] < self._ttl_s:
            return cached[1]
        status = self._lookup(partner_id)
        with self._lock:
            if len(self._cache) >= MAX_BUCKETS:
                self._cache.clear()
            self._cache[partner_id] = (now, status)
        return status


class RateLimiter:
    """One token bucket per caller (``principal.actor``), in this process."""

    def __init__(self, rate: float, burst: int) -> None:
        self._rate, self._burst = rate, burst
        self._buckets: dict[str, TokenBucket] = {}
        self._lock = threading.Lock()

    def retry_after(self, caller: str) -> float:
        """0.0 when the request may go ahead, otherwise seconds to wait."""
        now = time.monotonic()
        with self._lock:
            bucket = self._buckets.get(caller)
            if bucket is None:
                if len(self._buckets) >= MAX_BUCKETS:
                    self._buckets = {k: b for k, b in self._buckets.items() if not b.is_full(now)}
                bucket = self._buckets[caller] = TokenBucket.full(self._rate, self._burst, now)
            return bucket.take(now)
