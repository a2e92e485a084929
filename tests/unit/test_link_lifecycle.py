import pytest

from graph.domain.links import ALLOWED, DecidedBy, IllegalTransition, LinkState, transition
from graph.domain.runs import CONFIRM, REVIEW, ExistingLink, plan_run

S = LinkState


@pytest.mark.parametrize(("current", "wanted"), [(c, w) for c, ws in ALLOWED.items() for w in ws])
def test_every_allowed_transition_is_accepted(current: LinkState, wanted: LinkState) -> None:
    t = transition("L1", current, wanted, "steward:ana", "checked the card")
    assert (t.from_state, t.to_state) == (current, wanted)


@pytest.mark.parametrize(("current", "wanted"), [(c, w) for c in LinkState for w in LinkState if w not in ALLOWED[c]])
def test_every_other_transition_is_refused_with_a_clear_error(current: LinkState, wanted: LinkState) -> None:
    with pytest.raises(IllegalTransition, match=f"is {current.value}; it cannot become {wanted.value}"):
        transition("L1", current, wanted, "steward:ana", "because")


def test_a_transition_needs_a_reason() -> None:
    with pytest.raises(ValueError, match="reason"):
        transition("L1", S.CANDIDATE, S.CONFIRMED, "steward:ana", "  ")


def link(state: LinkState, by: DecidedBy, pair: tuple[str, str] = ("a", "b")) -> ExistingLink:
    return ExistingLink("old", pair, state, by)


def test_new_pairs_become_links_in_the_state_of_their_decision() -> None:
    plan = plan_run("model:v2", {("a", "b"): CONFIRM, ("c", "d"): REVIEW}, [])
    assert [(n.pair, n.state) for n in plan.create] == [(("a", "b"), S.CONFIRMED), (("c", "d"), S.CANDIDATE)]
    assert plan.transitions == []


def test_a_model_link_is_superseded_by_the_next_run() -> None:
    plan = plan_run("model:v2", {("a", "b"): REVIEW}, [link(S.CONFIRMED, DecidedBy.MODEL)])
    assert plan.create[0].state is S.CANDIDATE and plan.create[0].supersedes == "old"
    assert [(t.from_state, t.to_state) for t in plan.transitions] == [(S.CONFIRMED, S.SUPERSEDED)]


def test_a_model_link_the_new_run_drops_is_superseded_without_replacement() -> None:
    plan = plan_run("model:v2", {}, [link(S.CANDIDATE, DecidedBy.MODEL)])
    assert plan.create == []
    assert plan.transitions[0].to_state is S.SUPERSEDED and "not linked" in plan.transitions[0].reason


def test_a_steward_confirmation_survives_and_a_disagreement_becomes_a_dispute() -> None:
    agree = plan_run("model:v2", {("a", "b"): CONFIRM}, [link(S.CONFIRMED, DecidedBy.STEWARD)])
    assert agree.create == [] and agree.transitions == [] and agree.kept == 1
    disagree = plan_run("model:v2", {}, [link(S.CONFIRMED, DecidedBy.STEWARD)])
    assert [(t.from_state, t.to_state) for t in disagree.transitions] == [(S.CONFIRMED, S.DISPUTED)]
    assert disagree.create == []


def test_a_steward_retirement_survives_and_a_confident_model_only_raises_a_candidate() -> None:
    plan = plan_run("model:v2", {("a", "b"): CONFIRM}, [link(S.RETIRED, DecidedBy.STEWARD)])
    assert plan.transitions == []
    assert [(n.state, n.supersedes) for n in plan.create] == [(S.CANDIDATE, None)]
    quiet = plan_run("model:v2", {("a", "b"): REVIEW}, [link(S.RETIRED, DecidedBy.STEWARD)])
    assert quiet.create == [] and quiet.transitions == []


def test_links_waiting_for_a_person_are_left_alone() -> None:
    for waiting in (link(S.DISPUTED, DecidedBy.STEWARD), link(S.DISPUTED, DecidedBy.QUALITY_CHECK)):
        plan = plan_run("model:v2", {("a", "b"): CONFIRM}, [waiting])
        assert plan.create == [] and plan.transitions == [] and plan.kept == 1
