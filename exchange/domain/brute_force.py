"""HRex mm-7: the same demographics tried again and again with different card data is a
search for someone's identity, not a lookup. Pure rule over what was already tried."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Attempt:
    at: datetime
    coverage_fingerprint: str


@dataclass(frozen=True)
class Limit:
    window: timedelta
    max_coverage_variants: int  # distinct card data allowed for one person's demographics in the window


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    variants: int
    retry_after_s: int = 0


def check(previous: Sequence[Attempt], coverage_fingerprint: str, now: datetime, limit: Limit) -> Verdict:
    """Refuse when this attempt would exceed the distinct card data allowed in the window;
    retrying the same card data is never counted twice."""
    recent = [a for a in previous if now - a.at < limit.window]
    variants = {a.coverage_fingerprint for a in recent}
    if coverage_fingerprint in variants or len(variants) < limit.max_coverage_variants:
        return Verdict(True, len(variants | {coverage_fingerprint}))
    oldest = min(a.at for a in recent)
    wait = limit.window - (now - oldest)
    return Verdict(False, len(variants), max(1, int(wait.total_seconds()) + 1))
