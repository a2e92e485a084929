"""What verification found: the kinds of problem, each problem at its seq, and the report."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from audit.domain.canonical import GENESIS_HASH


class ProblemKind(StrEnum):
    ALTERED = "altered"  # the content no longer matches the event's hash
    REHASHED = "rehashed"  # the event matches its hash, but its successor recorded another one
    MISSING = "missing"  # an event was deleted (a gap, a renumbering, or a shortened tail)
    INSERTED = "inserted"  # an event that was not in the chain when its successor was written
    REORDERED = "reordered"  # an event stands at another place than the one it was written at
    DUPLICATE = "duplicate"  # two events with one sequence number
    TIME_ORDER = "time_order"  # an event dated before its predecessor
    INDEX = "index"  # the member search index disagrees with the event's member keys
    CHECKPOINT_SIGNATURE = "checkpoint_signature"  # a checkpoint's signature does not verify
    CHECKPOINT_MISMATCH = "checkpoint_mismatch"  # the chain differs from what a checkpoint signed


SECONDARY = frozenset({ProblemKind.TIME_ORDER, ProblemKind.INDEX})


@dataclass(frozen=True)
class Problem:
    seq: int
    kind: ProblemKind
    message: str


@dataclass(frozen=True)
class CheckpointSeen:
    seq: int
    hash: str
    at: str
    key_id: str
    signature_valid: bool


@dataclass
class VerificationReport:
    events: int = 0
    last_seq: int = 0
    last_hash: str = GENESIS_HASH
    checkpoints: int = 0
    last_good_checkpoint: CheckpointSeen | None = None
    problems: list[Problem] = field(default_factory=list)
    more_problems: int = 0  # found beyond the ones kept

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_problem(self) -> Problem | None:
        """The lowest seq; at one seq, a broken chain before a dating or search-index problem."""
        return min(self.problems, key=lambda p: (p.seq, p.kind in SECONDARY)) if self.problems else None
