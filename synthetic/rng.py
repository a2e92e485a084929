"""Deterministic random streams. Each stage draws from its own stream derived from the seed
and a label (sha256, so no dependence on PYTHONHASHSEED), so stages never disturb each other.
Python's Mersenne Twister gives the same numbers on every platform for the same int seed."""

from __future__ import annotations

import bisect
import hashlib
import itertools
import math
import random
from collections.abc import Sequence
from typing import Generic, TypeVar

T = TypeVar("T")

_MASK64 = (1 << 64) - 1


def derive_seed(seed: int, *labels: str | int) -> int:
    text = "/".join([str(seed), *(str(label) for label in labels)])
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def stream(seed: int, *labels: str | int) -> random.Random:
    """A random generator for one stage, independent of every other stage."""
    return random.Random(derive_seed(seed, *labels))


def mix(base: int, key: int) -> int:
    """A 64-bit seed for item ``key`` of a stage (splitmix64 finaliser), cheap enough per row."""
    z = (base + (key + 1) * 0x9E3779B97F4A7C15) & _MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
    return z ^ (z >> 31)


class Weighted(Generic[T]):
    """Weighted sampling from a fixed list (cumulative weights and bisection)."""

    def __init__(self, items: Sequence[T], weights: Sequence[float]) -> None:
        if not items or len(items) != len(weights):
            raise ValueError("items and weights must be non-empty and of equal length")
        self.items: list[T] = list(items)
        self._cum = list(itertools.accumulate(float(w) for w in weights))
        self._total = self._cum[-1]

    def pick(self, rng: random.Random) -> T:
        index = bisect.bisect_right(self._cum, rng.random() * self._total)
        return self.items[min(index, len(self.items) - 1)]

    def many(self, rng: random.Random, k: int) -> list[T]:
        return rng.choices(self.items, cum_weights=self._cum, k=k)


def chance(rng: random.Random, p: float) -> bool:
    return rng.random() < p


def poisson(rng: random.Random, lam: float) -> int:
    """Knuth's method; ``lam`` stays small here (a few events)."""
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(rng.gauss(lam, lam**0.5)))
    limit = math.exp(-lam)
    k, p = 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k
