"""The published Splink model compiled to plain Python: the same levels, weights and
term-frequency adjustments as Splink's SQL, for scoring one request against a few candidates
in microseconds. A test holds it to Splink's own scores (|Δ match weight| ≤ 1e-6)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from matching.linkage.comparisons import Predicate, custom_predicates
from matching.linkage.guard import missing_labels
from matching.linkage.registry import ModelFile
from matching.linkage.splink_adapter import LevelWeights, model_weights
from matching.realtime.levels import UnsupportedLevel, predicate_for
from matching.realtime.term_frequencies import TermFrequencies

Features = Mapping[str, Any]


@dataclass(frozen=True)
class Level:
    gamma: int
    label: str
    test: Predicate
    match_weight: float
    tf_column: str | None
    tf_weight: float
    tf_log2_u_exact: float
    tf_minimum_u: float

    def tf_adjustment(self, left: Features, right: Features, frequencies: TermFrequencies) -> float:
        """Splink's adjustment: weight × (log2 u_exact − log2 max(tf_l, tf_r, minimum u))."""
        if self.tf_column is None:
            return 0.0
        tf_l = frequencies.tf(self.tf_column, left.get(self.tf_column))
        tf_r = frequencies.tf(self.tf_column, right.get(self.tf_column))
        if tf_l is None and tf_r is None:
            return 0.0
        first = tf_l if tf_l is not None else tf_r
        second = tf_r if tf_r is not None else tf_l
        assert first is not None and second is not None
        return self.tf_weight * (self.tf_log2_u_exact - math.log2(max(first, second, self.tf_minimum_u)))


@dataclass(frozen=True)
class Comparison:
    name: str
    levels: tuple[Level, ...]

    def level(self, left: Features, right: Features) -> Level:
        for level in self.levels:
            if level.test(left, right):
                return level
        return self.levels[-1]


@dataclass(frozen=True)
class Contribution:
    comparison: str
    gamma: int
    label: str
    match_weight: float
    tf_adjustment: float

    @property
    def total(self) -> float:
        return self.match_weight + self.tf_adjustment


@dataclass(frozen=True)
class PairScore:
    match_weight: float
    match_probability: float
    contributions: tuple[Contribution, ...]

    def levels(self) -> dict[str, str]:
        return {c.comparison: c.label for c in self.contributions}


def probability(match_weight: float) -> float:
    """Splink's numerically stable 2^w / (1 + 2^w)."""
    if match_weight >= 0:
        return 1.0 / (1.0 + math.pow(2.0, -match_weight))
    return math.pow(2.0, match_weight) / (1.0 + math.pow(2.0, match_weight))


class CompiledModel:
    def __init__(self, model: ModelFile) -> None:
        self.version = model.version
        self.thresholds = model.thresholds
        self.prior_weight, comparisons = model_weights(model.splink_model)
        custom = custom_predicates()
        self.comparisons = tuple(
            Comparison(c["name"], tuple(_level(level, custom) for level in c["levels"])) for c in comparisons
        )
        self.tf_columns = sorted({lv.tf_column for c in self.comparisons for lv in c.levels if lv.tf_column})
        if missing := missing_labels({c.name: [lv.label for lv in c.levels] for c in self.comparisons}):
            raise UnsupportedLevel(
                f"model {self.version} was trained before the auto-confirm guard (no level {missing[0]!r}); retrain it"
            )

    def score(self, left: Features, right: Features, frequencies: TermFrequencies) -> PairScore:
        weight = self.prior_weight
        contributions = []
        for comparison in self.comparisons:
            level = comparison.level(left, right)
            adjustment = level.tf_adjustment(left, right, frequencies)
            weight = weight + level.match_weight + adjustment  # Splink's order: mw then tf, comparison by comparison
            contributions.append(
                Contribution(comparison.name, level.gamma, level.label, level.match_weight, adjustment)
            )
        return PairScore(weight, probability(weight), tuple(contributions))


def _level(weights: LevelWeights, custom: Mapping[str, Predicate]) -> Level:
    return Level(
        gamma=weights["gamma"],
        label=weights["label"],
        test=predicate_for(weights["sql"], custom),
        match_weight=weights["match_weight"],
        tf_column=weights["tf_column"],
        tf_weight=weights["tf_weight"],
        tf_log2_u_exact=weights["tf_log2_u_exact"],
        tf_minimum_u=weights["tf_minimum_u"],
    )
