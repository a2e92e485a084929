"""The transfer's state table: the happy path is allowed, everything outside the table is
refused, and every state is either finished or owned by someone who must act."""

from __future__ import annotations

import pytest

from exchange.domain.transfer import (
    FINISHED,
    REPLAY_INTO,
    TRANSITIONS,
    IllegalTransition,
    Move,
    Owner,
    Step,
    TransferState,
    check_transition,
    owner_of,
    path,
    step_for,
)

S = TransferState
HAPPY = [S.RECEIVED, S.IDENTITY_PENDING, S.MATCHED, S.CONSENT_CHECKED, S.REQUESTING_DATA, S.RECEIVING,
         S.INGESTED, S.ACKNOWLEDGED, S.COMPLETED]  # fmt: skip


def test_the_happy_path_is_one_legal_move_after_another() -> None:
    moves = path(S.RECEIVED, "ok", "service:w", *HAPPY[1:])
    assert [m.to_state for m in moves] == HAPPY[1:]
    assert moves[-1].owner is Owner.NONE


@pytest.mark.parametrize("current", list(S))
@pytest.mark.parametrize("wanted", list(S))
def test_a_move_outside_the_table_is_refused_with_the_allowed_ones_named(current: S, wanted: S) -> None:
    if wanted in TRANSITIONS[current]:
        check_transition(current, wanted)
        return
    with pytest.raises(IllegalTransition) as caught:
        Move(current, wanted, "r", "service:w")
    assert str(current) in str(caught.value) and str(wanted) in str(caught.value)


def test_cancelled_and_superseded_are_final_and_completed_can_only_be_superseded() -> None:
    assert TRANSITIONS[S.CANCELLED] == frozenset() and TRANSITIONS[S.SUPERSEDED] == frozenset()
    assert TRANSITIONS[S.COMPLETED] == {S.SUPERSEDED}
    with pytest.raises(IllegalTransition, match="final"):
        check_transition(S.CANCELLED, S.RECEIVED)


def test_every_unfinished_state_has_an_owner_who_must_act() -> None:
    for state in S:
        owner = owner_of(state, "whatever")
        assert (owner is Owner.NONE) == (state in FINISHED and state is not S.REJECTED) or state is S.REJECTED
        if state not in FINISHED:
            assert owner is not Owner.NONE


def test_holds_go_to_stewards_dead_letters_to_operators_and_rejections_by_reason() -> None:
    assert owner_of(S.HELD_FOR_IDENTITY) is Owner.STEWARD
    assert owner_of(S.DEAD_LETTERED, "attempts_exhausted") is Owner.OPERATOR
    assert owner_of(S.REJECTED, "identity_no_match_at_partner") is Owner.STEWARD
    assert owner_of(S.REJECTED, "consent_not_in_period") is Owner.REQUESTER
    assert owner_of(S.IDENTITY_PENDING) is Owner.SERVICE


def test_a_worker_step_exists_for_each_state_the_service_owns_except_the_momentary_ones() -> None:
    momentary = {S.MATCHED, S.CONSENT_CHECKED, S.ACKNOWLEDGED}  # passed through inside one transaction
    for state in S:
        if owner_of(state) is Owner.SERVICE and state not in momentary:
            assert step_for(state) is not None, state
    assert step_for(S.HELD_FOR_IDENTITY) is Step.CHECK_IDENTITY
    assert step_for(S.DEAD_LETTERED) is None


def test_a_replay_re_enters_the_state_whose_step_failed_and_that_move_is_legal() -> None:
    for step, state in REPLAY_INTO.items():
        check_transition(S.DEAD_LETTERED, state)
        assert step_for(state) is step
