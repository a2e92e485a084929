"""Link lifecycle. The allowed transitions are this one table; anything else is refused.

    candidate  -> confirmed | retired | superseded
    confirmed  -> disputed | superseded
    disputed   -> confirmed | retired | superseded
    retired, superseded: final

``superseded`` means a newer decision replaced this one (a new model run); a steward's
decision is never superseded by a model run: it becomes ``disputed`` instead when the
model disagrees.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class LinkState(StrEnum):
    CANDIDATE = "candidate"
    CONFIRMED = "confirmed"
    DISPUTED = "disputed"
    SUPERSEDED = "superseded"
    RETIRED = "retired"


class DecidedBy(StrEnum):
    MODEL = "model"
    STEWARD = "steward"
    QUALITY_CHECK = "quality_check"


ALLOWED: dict[LinkState, frozenset[LinkState]] = {
    LinkState.CANDIDATE: frozenset({LinkState.CONFIRMED, LinkState.RETIRED, LinkState.SUPERSEDED}),
    LinkState.CONFIRMED: frozenset({LinkState.DISPUTED, LinkState.SUPERSEDED}),
    LinkState.DISPUTED: frozenset({LinkState.CONFIRMED, LinkState.RETIRED, LinkState.SUPERSEDED}),
    LinkState.RETIRED: frozenset(),
    LinkState.SUPERSEDED: frozenset(),
}

ACTIVE = frozenset({LinkState.CANDIDATE, LinkState.CONFIRMED, LinkState.DISPUTED})


class IllegalTransition(ValueError):
    """A link was asked to move to a state its current state does not allow."""

    def __init__(self, link_id: str, current: LinkState, wanted: LinkState) -> None:
        allowed = ", ".join(sorted(ALLOWED[current])) or "nothing (final state)"
        super().__init__(f"link {link_id} is {current}; it cannot become {wanted} (allowed: {allowed})")
        self.current, self.wanted = current, wanted


@dataclass(frozen=True)
class Transition:
    link_id: str
    from_state: LinkState
    to_state: LinkState
    actor: str  # "model:<version>", "steward:<name>", "quality:<check>"
    reason: str
    evidence: str = ""  # JSON text: scores, run id, check findings


def transition(
    link_id: str, current: LinkState, wanted: LinkState, actor: str, reason: str, evidence: str = ""
) -> Transition:
    if wanted not in ALLOWED[current]:
        raise IllegalTransition(link_id, current, wanted)
    if not reason.strip():
        raise ValueError("every transition needs a reason")
    return Transition(link_id, current, wanted, actor, reason.strip(), evidence)
