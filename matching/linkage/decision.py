"""What a scored pair becomes: a confirmed link, a candidate for review, or no link.

| score | nothing against it | an auto-confirm blocker | a must-not-link rule |
|---|---|---|---|
| at or above auto-confirm | confirm | review | review |
| between review and auto-confirm | review | review | no link |
| below review | no link | no link | no link |

Blockers are the reason codes of the auto-confirm guard (``matching.linkage.guard``): a
steward tells the twins apart. A rule may be wrong: a steward decides.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from matching.linkage.thresholds import Thresholds


class PairDecision(StrEnum):
    CONFIRM = "confirm"
    REVIEW = "review"
    NO_LINK = "no_link"


def decide(
    weight: float, must_not_link: str | None, thresholds: Thresholds, blockers: Sequence[str] = ()
) -> PairDecision:
    if weight >= thresholds.auto_confirm:
        return PairDecision.REVIEW if must_not_link or blockers else PairDecision.CONFIRM
    if weight >= thresholds.review and not must_not_link:
        return PairDecision.REVIEW
    return PairDecision.NO_LINK


def decision_sql(
    thresholds: Thresholds,
    weight: str = "match_weight",
    rule: str = "must_not_link",
    blockers: str = "auto_confirm_blockers",
) -> str:
    """The same decision as a SQL CASE over a pairs table (``blockers`` NULL when none)."""
    auto, review = repr(float(thresholds.auto_confirm)), repr(float(thresholds.review))
    return (
        f"CASE WHEN {weight} >= {auto} THEN"
        f" (CASE WHEN {rule} IS NULL AND {blockers} IS NULL THEN 'confirm' ELSE 'review' END)"
        f" WHEN {weight} >= {review} AND {rule} IS NULL THEN 'review' ELSE 'no_link' END"
    )
