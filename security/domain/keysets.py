"""A partner's key sets over time: the current one, and earlier ones kept valid for an overlap after a rotation.

A key set is either an inline JWKS or a JWKS URL (on the allow-list). Rotating makes the new
set current and keeps the previous current one usable until ``now + overlap``, so a partner
can roll its signing key without a gap; sets past their end are no longer used.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from security.domain.jwks import JwksError


@dataclass(frozen=True)
class KeySet:
    keys_id: str
    jwks: dict[str, Any] | None = None  # inline public keys
    jwks_url: str | None = None  # or where the partner publishes them
    valid_until: datetime | None = None  # None: the current set

    def __post_init__(self) -> None:
        if (self.jwks is None) == (self.jwks_url is None):
            raise JwksError("a key set is either an inline JWKS or a JWKS URL, not both or neither")

    @property
    def current(self) -> bool:
        return self.valid_until is None


def usable(sets: Iterable[KeySet], now: datetime) -> list[KeySet]:
    """The sets that verify assertions now, the current one first."""
    alive = [s for s in sets if s.valid_until is None or s.valid_until > now]
    return sorted(alive, key=lambda s: (not s.current, -(s.valid_until or now).timestamp()))


def rotate(sets: Iterable[KeySet], new: KeySet, now: datetime, overlap: timedelta) -> list[KeySet]:
    """The sets after a rotation: ``new`` current, the old current one ending at ``now + overlap``."""
    if not new.current:
        raise ValueError("the new key set must be current")
    if overlap < timedelta(0):
        raise ValueError("the overlap cannot be negative")
    ended = [replace(s, valid_until=now + overlap) if s.current else s for s in usable(sets, now)]
    return [new, *ended]


def allowed_jku(sets: Iterable[KeySet], jku: str) -> KeySet | None:
    """The usable set whose registered URL is exactly ``jku`` (a jku header must equal the registered URL)."""
    return next((s for s in sets if s.jwks_url is not None and s.jwks_url == jku), None)
