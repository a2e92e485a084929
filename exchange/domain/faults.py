"""Fault injection on the partner-facing side: which faults, how often, on which paths.

``P2P_FAULTS="503=0.1,429=0.05,slow=0.05,reset=0.02,duplicate=0.05"`` reads as a plan; one draw
in [0, 1) per request picks at most one fault (the rates are consecutive slices of [0, 1), so
their sum may not pass 1). Off (an empty plan) unless configured.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

NEVER_FAULTED = ("/fhir/metadata",)  # clients read the capability statement to find everything else


class FaultKind(StrEnum):
    UNAVAILABLE = "503"  # 503 + Retry-After: 1, the request not run
    THROTTLED = "429"  # 429 + Retry-After, the request not run
    SLOW = "slow"  # the request run, its answer held back past the client's timeout
    RESET = "reset"  # the connection dropped before an answer, the request not run
    DUPLICATE = "duplicate"  # the request delivered twice, the second answer returned


@dataclass(frozen=True)
class FaultPlan:
    rates: tuple[tuple[FaultKind, float], ...] = ()
    paths: tuple[str, ...] = ("/fhir/",)

    @classmethod
    def parse(cls, text: str, paths: str = "/fhir/") -> FaultPlan:
        """``kind=rate`` pairs, comma-separated; ValueError naming what is wrong."""
        return cls(_rates(text), _paths(paths))

    @property
    def active(self) -> bool:
        return any(rate > 0 for _, rate in self.rates)

    def applies_to(self, path: str) -> bool:
        if any(path == p or path.startswith(p.rstrip("/") + "/") for p in NEVER_FAULTED):
            return False
        return any(path.startswith(prefix) for prefix in self.paths)

    def pick(self, draw: float) -> FaultKind | None:
        """The fault whose slice of [0, 1) holds ``draw``, or None."""
        edge = 0.0
        for kind, rate in self.rates:
            edge += rate
            if draw < edge:
                return kind
        return None


def _rates(text: str) -> tuple[tuple[FaultKind, float], ...]:
    known = ", ".join(k.value for k in FaultKind)
    rates: dict[FaultKind, float] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        name, sep, value = part.partition("=")
        try:
            kind = FaultKind(name.strip().lower())
        except ValueError:
            raise ValueError(f"unknown fault {name.strip()!r}; known: {known}") from None
        try:
            rate = float(value) if sep else float("nan")
        except ValueError:
            rate = float("nan")
        if not 0.0 <= rate <= 1.0:  # also refuses nan
            raise ValueError(f"{part!r}: the rate must be a number from 0 to 1")
        if kind in rates:
            raise ValueError(f"fault {kind.value!r} is given twice")
        rates[kind] = rate
    if sum(rates.values()) > 1.0 + 1e-9:
        raise ValueError(f"the rates add up to {sum(rates.values()):g}, more than 1")
    return tuple(rates.items())


def _paths(text: str) -> tuple[str, ...]:
    paths = tuple(p.strip() for p in text.split(",") if p.strip())
    bad = [p for p in paths if not p.startswith("/")]
    if bad:
        raise ValueError(f"path prefixes must start with '/': {', '.join(bad)}")
    return paths


def masked_path(path: str) -> str:
    """The path for a technical log: words and ``$operations`` kept, anything else (ids) as ``*``."""
    return "/".join(s if s.isalpha() or s.startswith("$") or not s else "*" for s in path.split("/"))
