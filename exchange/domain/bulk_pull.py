"""Rules of the new payer's bulk pull that need no I/O: the ``Idempotency-Key`` of each kick-off,
and what to do when the previous payer has forgotten a job the pull was waiting on. Pure.

A kick-off's key is derived from the pull id and the step (``<pull>-match``, ``<pull>-export``), so a
kick-off whose answer was lost names the same job when it is sent again.

A forgotten job (the previous payer answers 404 or 410 for its status URL or its files, or for the
matched Group an export is asked on) is kicked off again, once per step, under a *new* key of the
same derivation with a generation suffix (``<pull>-match.r1``), never under the first key: under the
Idempotency-Key semantics the partner replays its first answer to that key (the status URL that is
gone) for as long as it keeps the key, and how long it keeps keys and how long it keeps jobs are its
own, independent choices. The generation is recorded before the new kick-off is sent, so a re-kick-off
whose answer is lost is repeated under its own key too. A step forgotten a second time fails the pull:
a partner that keeps losing jobs needs a person, not a loop."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

FORGOTTEN_STATUSES = frozenset({404, 410})
MAX_RESTARTS = 1  # per step: kicked off again once


class Step(StrEnum):
    MATCH = "match"
    EXPORT = "export"


def kick_off_key(pull_id: str, step: Step, generation: int) -> str:
    """The ``Idempotency-Key`` of ``step``'s kick-off; generation 0 is the first kick-off."""
    base = f"{pull_id}-{step.value}"
    return f"{base}.r{generation}" if generation else base


def forgotten(status: int) -> bool:
    """Whether an answer says the previous payer no longer has the job (or its files, or its Group)."""
    return status in FORGOTTEN_STATUSES


@dataclass(frozen=True)
class Restart:
    step: Step  # the step kicked off again
    generation: int  # its new generation (the suffix of its new key)
    reason: str  # audit reason code

    @property
    def key_name(self) -> str:
        return f"{self.step.value}_restarts"


def restart(step: Step, generation: int, what: str) -> Restart | None:
    """Kick ``step`` off again after ``what`` (``job``, ``files``, ``group``) was forgotten, or None when
    it was already kicked off again ``MAX_RESTARTS`` times (the pull fails)."""
    if generation >= MAX_RESTARTS:
        return None
    return Restart(step, generation + 1, f"{step.value.upper()}_{what.upper()}_FORGOTTEN")
