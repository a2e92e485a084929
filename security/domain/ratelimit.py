"""A token bucket: ``burst`` requests at once, refilled at ``rate`` per second; pure, time is passed in."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass
class TokenBucket:
    rate: float  # tokens added per second
    burst: float  # capacity
    tokens: float
    updated: float  # monotonic seconds of the last refill

    @classmethod
    def full(cls, rate: float, burst: float, now: float) -> TokenBucket:
        if rate <= 0 or burst < 1:
            raise ValueError("a token bucket needs a positive rate and a burst of at least 1")
        return cls(rate=rate, burst=burst, tokens=burst, updated=now)

    def take(self, now: float) -> float:
        """Take one token: 0.0 when allowed, otherwise the whole seconds to wait (for Retry-After)."""
        self.tokens = min(self.burst, self.tokens + max(0.0, now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return float(max(1, math.ceil((1 - self.tokens) / self.rate)))

    def is_full(self, now: float) -> bool:
        return self.tokens + max(0.0, now - self.updated) * self.rate >= self.burst
