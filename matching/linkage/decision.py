"""What a scored pair becomes: a confirmed link, a candidate for review, or no link.

| score | no must-not-link rule | a must-not-link rule |
|---|---|---|
| at or above auto-confirm | confirm | review (the rule may be wrong; a steward decides) |
| between review and auto-confirm | review | no link |
| below review | no link | no link |
"""

from __future__ import annotations

from enum import StrEnum

from matching.linkage.thresholds import Thresholds


class PairDecision(StrEnum):
    CONFIRM = "confirm"
    REVIEW = "review"
    NO_LINK = "no_link"


def decide(weight: float, must_not_link: str | None, thresholds: Thresholds) -> PairDecision:
    if weight >= thresholds.auto_confirm:
        return PairDecision.REVIEW if must_not_link else PairDecision.CONFIRM
    if weight >= thresholds.review and not must_not_link:
        return PairDecision.REVIEW
    return PairDecision.NO_LINK


def decision_sql(thresholds: Thresholds, weight: str = "match_weight", rule: str = "must_not_link") -> str:
    """The same decision as a SQL CASE over a pairs table."""
    auto, review = repr(float(thresholds.auto_confirm)), repr(float(thresholds.review))
    return (
        f"CASE WHEN {weight} >= {auto} THEN (CASE WHEN {rule} IS NULL THEN 'confirm' ELSE 'review' END)"
        f" WHEN {weight} >= {review} AND {rule} IS NULL THEN 'review' ELSE 'no_link' END"
    )
