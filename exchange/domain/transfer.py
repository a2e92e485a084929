"""A payer-to-payer transfer's business state: the states, the one table of allowed moves,
who owns the transfer in each state, and which step runs next. Pure rules, no I/O.

The business state says where the member's history is in its journey; each delivery
attempt (transport) is recorded separately. A transfer is always either finished
(completed, rejected, cancelled, superseded) or owned by someone who must act: the service
(its workers retry), a data steward (identity held), an operator (dead letters) or the
enrollment system that asked (it must fix its request).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class TransferState(StrEnum):
    RECEIVED = "received"
    IDENTITY_PENDING = "identity_pending"  # asking the previous payer's $member-match
    MATCHED = "matched"
    CONSENT_CHECKED = "consent_checked"
    REQUESTING_DATA = "requesting_data"  # asking the previous payer for the member's history
    RECEIVING = "receiving"  # the history arrived and is kept; ingestion next
    INGESTED = "ingested"
    ACKNOWLEDGED = "acknowledged"
    COMPLETED = "completed"
    HELD_FOR_IDENTITY = "held_for_identity"
    REJECTED = "rejected"
    DEAD_LETTERED = "dead_lettered"
    SUPERSEDED = "superseded"
    CANCELLED = "cancelled"


class Owner(StrEnum):
    SERVICE = "service"  # workers act (and retry) by themselves
    STEWARD = "steward"  # identity must be resolved in the graph
    OPERATOR = "operator"  # a dead letter: replay, cancel or supersede
    REQUESTER = "requester"  # the enrollment system must correct its request
    NONE = "none"  # finished


class Step(StrEnum):
    """The unit of work a worker runs for a transfer in a given state."""

    CHECK_IDENTITY = "check_identity"
    MEMBER_MATCH = "member_match"
    FETCH_DATA = "fetch_data"
    INGEST = "ingest"
    ACKNOWLEDGE = "acknowledge"


S = TransferState
_ANY_ACTIVE_EXIT = {S.CANCELLED, S.SUPERSEDED}
TRANSITIONS: dict[TransferState, frozenset[TransferState]] = {
    S.RECEIVED: frozenset({S.IDENTITY_PENDING, S.HELD_FOR_IDENTITY, S.REJECTED, *_ANY_ACTIVE_EXIT}),
    S.HELD_FOR_IDENTITY: frozenset({S.IDENTITY_PENDING, S.REJECTED, *_ANY_ACTIVE_EXIT}),
    S.IDENTITY_PENDING: frozenset({S.MATCHED, S.REJECTED, S.DEAD_LETTERED, S.HELD_FOR_IDENTITY, *_ANY_ACTIVE_EXIT}),
    S.MATCHED: frozenset({S.CONSENT_CHECKED, S.REJECTED, *_ANY_ACTIVE_EXIT}),
    S.CONSENT_CHECKED: frozenset({S.REQUESTING_DATA, *_ANY_ACTIVE_EXIT}),
    S.REQUESTING_DATA: frozenset({S.RECEIVING, S.REJECTED, S.DEAD_LETTERED, *_ANY_ACTIVE_EXIT}),
    S.RECEIVING: frozenset({S.INGESTED, S.REJECTED, *_ANY_ACTIVE_EXIT}),
    S.INGESTED: frozenset({S.ACKNOWLEDGED, S.DEAD_LETTERED, *_ANY_ACTIVE_EXIT}),
    S.ACKNOWLEDGED: frozenset({S.COMPLETED}),
    # A dead letter is re-driven (replay) into the state whose step failed, or given up.
    S.DEAD_LETTERED: frozenset({S.IDENTITY_PENDING, S.REQUESTING_DATA, S.INGESTED, *_ANY_ACTIVE_EXIT}),
    # Reopening identity review is the compensation for a rejection on identity grounds.
    S.REJECTED: frozenset({S.HELD_FOR_IDENTITY}),
    S.COMPLETED: frozenset({S.SUPERSEDED}),
    S.SUPERSEDED: frozenset(),
    S.CANCELLED: frozenset(),
}
FINISHED = frozenset({S.COMPLETED, S.REJECTED, S.SUPERSEDED, S.CANCELLED})
STEPS: dict[TransferState, Step] = {
    S.RECEIVED: Step.CHECK_IDENTITY,
    S.HELD_FOR_IDENTITY: Step.CHECK_IDENTITY,
    S.IDENTITY_PENDING: Step.MEMBER_MATCH,
    S.REQUESTING_DATA: Step.FETCH_DATA,
    S.RECEIVING: Step.INGEST,
    S.INGESTED: Step.ACKNOWLEDGE,
}
# The state whose step a replay re-runs, for each step that can dead-letter.
REPLAY_INTO: dict[Step, TransferState] = {
    Step.MEMBER_MATCH: S.IDENTITY_PENDING,
    Step.FETCH_DATA: S.REQUESTING_DATA,
    Step.ACKNOWLEDGE: S.INGESTED,
}


class IllegalTransition(ValueError):
    """The move is not in the table; nothing was changed."""

    def __init__(self, current: TransferState, wanted: TransferState) -> None:
        allowed = ", ".join(sorted(TRANSITIONS[current])) or "none: it is final"
        super().__init__(f"a transfer cannot go from {current} to {wanted} (allowed: {allowed})")
        self.current, self.wanted = current, wanted


def check_transition(current: TransferState, wanted: TransferState) -> None:
    if wanted not in TRANSITIONS[current]:
        raise IllegalTransition(current, wanted)


def owner_of(state: TransferState, reason: str | None = None) -> Owner:
    """Who must act next. A rejection on identity grounds goes to a steward, others to the requester."""
    if state is S.HELD_FOR_IDENTITY:
        return Owner.STEWARD
    if state is S.DEAD_LETTERED:
        return Owner.OPERATOR
    if state is S.REJECTED:
        return Owner.STEWARD if reason is not None and reason.startswith("identity") else Owner.REQUESTER
    if state in FINISHED:
        return Owner.NONE
    return Owner.SERVICE


def step_for(state: TransferState) -> Step | None:
    """The step a worker runs in this state (None: nothing runs by itself)."""
    return STEPS.get(state)


@dataclass(frozen=True)
class Move:
    """One recorded transition: the history entry and the audit event are built from it."""

    from_state: TransferState
    to_state: TransferState
    reason: str  # normalised code, lower_snake (``identity_no_match``, ``attempts_exhausted``)
    actor: str  # ``service:worker``, ``steward:ana``, ``operator:olu``, ``partner:enrollment``

    def __post_init__(self) -> None:
        check_transition(self.from_state, self.to_state)

    @property
    def owner(self) -> Owner:
        return owner_of(self.to_state, self.reason)


def path(start: TransferState, reason: str, actor: str, *states: TransferState) -> list[Move]:
    """Consecutive moves ``start → states[0] → states[1] ...``, all with the same reason and actor."""
    moves, current = [], start
    for state in states:
        moves.append(Move(current, state, reason, actor))
        current = state
    return moves
