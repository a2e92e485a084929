"""The real-time identity decision: exactly one member, or a refusal with its reason.

A wrong match sends one person's health data to another's insurer, so every doubt refuses:
two strong members, a close second, a pair the model may not auto-confirm, a card that
does not agree with the record, or a member whose identity is still under review.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum


class Outcome(StrEnum):
    UNIQUE_MATCH = "unique_match"
    NO_MATCH = "no_match"
    MULTIPLE_MATCHES = "multiple_matches"
    NEEDS_REVIEW = "needs_review"


class Reason(StrEnum):
    MATCHED = "matched"
    NO_CANDIDATES = "no_candidates"
    BELOW_REVIEW_THRESHOLD = "below_review_threshold"
    ONLY_OTHER_PERSONS = "candidates_are_other_persons_by_rule"
    SEVERAL_STRONG_MEMBERS = "several_members_above_auto_confirm"
    IN_REVIEW_BAND = "score_between_thresholds"
    CLOSE_SECOND = "close_second_member"
    COVERAGE_ID_DISAGREES = "coverage_id_disagrees"
    MEMBER_HELD = "member_identity_under_review"
    PAIR_BLOCKED = "pair_cannot_be_auto_confirmed"


@dataclass(frozen=True)
class Candidate:
    record_id: str
    member_key: str | None  # None: the record belongs to no member yet
    member_held: bool  # the member has candidate or disputed links, or is retired
    match_weight: float
    levels: Mapping[str, str]  # comparison -> level label
    coverage_id_agrees: bool  # member id or subscriber id agrees (exactly or one character off)
    must_not_link: str | None = None  # the rule by which this record is another person than the one asked for
    blockers: tuple[str, ...] = ()  # why the model may not auto-confirm this pair (e.g. POSSIBLE_TWIN)


@dataclass(frozen=True)
class Policy:
    auto_confirm: float
    review: float
    close_second_margin: float = 5.0  # bits: a second member this close makes the answer ambiguous
    require_coverage_id: bool = True


@dataclass(frozen=True)
class IdentityDecision:
    outcome: Outcome
    reason: str
    member_key: str | None = None
    record_id: str | None = None
    match_weight: float | None = None
    ranked: tuple[Candidate, ...] = field(default_factory=tuple)  # best first, one per member


def decide(candidates: Sequence[Candidate], policy: Policy) -> IdentityDecision:
    best: dict[str, Candidate] = {}
    for c in candidates:
        key = c.member_key or f"record:{c.record_id}"
        if key not in best or c.match_weight > best[key].match_weight:
            best[key] = c
    ranked = tuple(sorted(best.values(), key=lambda c: (-c.match_weight, c.record_id)))
    if not ranked:
        return IdentityDecision(Outcome.NO_MATCH, Reason.NO_CANDIDATES)
    # A record a must-not-link rule separates from the request (a twin, a relative on the
    # same policy) is another person, however alike: it neither matches nor competes.
    eligible = [c for c in ranked if c.must_not_link is None]
    if not eligible:
        return IdentityDecision(Outcome.NO_MATCH, Reason.ONLY_OTHER_PERSONS, ranked=ranked)
    top = eligible[0]

    def answer(outcome: Outcome, reason: str) -> IdentityDecision:
        return IdentityDecision(outcome, reason, top.member_key, top.record_id, top.match_weight, ranked)

    if top.match_weight < policy.review:
        return answer(Outcome.NO_MATCH, Reason.BELOW_REVIEW_THRESHOLD)
    strong = [c for c in eligible if c.match_weight >= policy.auto_confirm]
    if len(strong) > 1:
        # Strong members still under review may be one person a steward has yet to merge.
        if any(c.member_held for c in strong):
            return answer(Outcome.NEEDS_REVIEW, Reason.MEMBER_HELD)
        return answer(Outcome.MULTIPLE_MATCHES, Reason.SEVERAL_STRONG_MEMBERS)
    if not strong:
        return answer(Outcome.NEEDS_REVIEW, Reason.IN_REVIEW_BAND)
    runner_up = eligible[1].match_weight if len(eligible) > 1 else None
    if (
        runner_up is not None
        and runner_up >= policy.review
        and top.match_weight - runner_up < policy.close_second_margin
    ):
        return answer(Outcome.NEEDS_REVIEW, Reason.CLOSE_SECOND)
    if policy.require_coverage_id and not top.coverage_id_agrees:
        return answer(Outcome.NEEDS_REVIEW, Reason.COVERAGE_ID_DISAGREES)
    if top.blockers:
        return answer(Outcome.NEEDS_REVIEW, top.blockers[0])
    if top.member_held or top.member_key is None:
        return answer(Outcome.NEEDS_REVIEW, Reason.MEMBER_HELD)
    return answer(Outcome.UNIQUE_MATCH, Reason.MATCHED)
