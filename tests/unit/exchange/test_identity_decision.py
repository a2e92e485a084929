"""The real-time identity decision: one member or a refusal with its reason."""

from __future__ import annotations

from exchange.domain.identity import Candidate, Outcome, Policy, Reason, decide

POLICY = Policy(auto_confirm=13.0, review=3.0, close_second_margin=5.0)


def cand(record: str, member: str | None, weight: float, **kw: object) -> Candidate:
    values: dict[str, object] = {"member_held": False, "levels": {}, "coverage_id_agrees": True, **kw}
    return Candidate(record, member, match_weight=weight, **values)  # type: ignore[arg-type]


def test_one_strong_member_is_a_unique_match_even_with_several_of_its_records() -> None:
    d = decide([cand("r1", "M1", 30), cand("r2", "M1", 25), cand("r3", "M2", 2)], POLICY)
    assert (d.outcome, d.member_key, d.record_id) == (Outcome.UNIQUE_MATCH, "M1", "r1")


def test_nothing_found_and_nothing_plausible_are_no_match() -> None:
    assert decide([], POLICY).reason == Reason.NO_CANDIDATES
    assert decide([cand("r1", "M1", 2.9)], POLICY).outcome is Outcome.NO_MATCH


def test_two_strong_members_are_multiple_matches() -> None:
    d = decide([cand("r1", "M1", 30), cand("r2", "M2", 14)], POLICY)
    assert d.outcome is Outcome.MULTIPLE_MATCHES


def test_strong_members_under_review_may_be_one_person_so_they_need_review() -> None:
    d = decide([cand("r1", "M1", 30, member_held=True), cand("r2", "M2", 28)], POLICY)
    assert (d.outcome, d.reason) == (Outcome.NEEDS_REVIEW, Reason.MEMBER_HELD)


def test_a_score_between_the_thresholds_needs_review() -> None:
    assert decide([cand("r1", "M1", 10)], POLICY).reason == Reason.IN_REVIEW_BAND


def test_a_close_second_member_makes_the_answer_ambiguous() -> None:
    d = decide([cand("r1", "M1", 15), cand("r2", "M2", 11)], POLICY)
    assert (d.outcome, d.reason) == (Outcome.NEEDS_REVIEW, Reason.CLOSE_SECOND)
    assert decide([cand("r1", "M1", 25), cand("r2", "M2", 11)], POLICY).outcome is Outcome.UNIQUE_MATCH


def test_a_member_under_review_is_never_a_unique_match() -> None:
    d = decide([cand("r1", "M1", 40, member_held=True)], POLICY)
    assert (d.outcome, d.reason) == (Outcome.NEEDS_REVIEW, Reason.MEMBER_HELD)
    assert decide([cand("r1", None, 40)], POLICY).reason == Reason.MEMBER_HELD


def test_a_card_that_disagrees_needs_review_unless_the_policy_allows_demographics_only() -> None:
    alone = [cand("r1", "M1", 40, coverage_id_agrees=False)]
    assert decide(alone, POLICY).reason == Reason.COVERAGE_ID_DISAGREES
    relaxed = Policy(13.0, 3.0, require_coverage_id=False)
    assert decide(alone, relaxed).outcome is Outcome.UNIQUE_MATCH


def test_records_a_must_not_link_rule_separates_neither_match_nor_compete() -> None:
    twin = cand("r2", "M2", 35, must_not_link="TWINS_SAME_POLICY_DIFFERENT_MEMBER_ID")
    d = decide([twin, cand("r1", "M1", 30)], POLICY)
    assert (d.outcome, d.member_key) == (Outcome.UNIQUE_MATCH, "M1")
    assert decide([twin], POLICY).reason == Reason.ONLY_OTHER_PERSONS


def test_a_blocked_pair_needs_review_with_the_blockers_reason() -> None:
    d = decide([cand("r1", "M1", 30, blockers=("POSSIBLE_TWIN",))], POLICY)
    assert (d.outcome, d.reason) == (Outcome.NEEDS_REVIEW, "POSSIBLE_TWIN")


def test_the_explanation_ranks_one_candidate_per_member_best_first() -> None:
    d = decide([cand("r1", "M1", 5), cand("r2", "M2", 30), cand("r3", "M1", 8)], POLICY)
    assert [(c.member_key, c.record_id) for c in d.ranked] == [("M2", "r2"), ("M1", "r3")]
