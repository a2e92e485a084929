"""Precision, recall and the two decision thresholds, from labelled scored pairs.

A wrong match sends one person's health data to another person's insurer, so the
auto-confirm threshold is chosen for precision first: the lowest match weight at which
the links at or above it reach the precision target. The review threshold is the highest
weight at which the links at or above it reach the recall target of all true pairs (or
the best recall the scored pairs allow);
pairs between the two thresholds go to a steward.

Precision is measured on what is actually auto-confirmed: the auto-confirm curve leaves out
the pairs that the auto-confirm guard holds for review whatever their weight, while the
review curve keeps them (they reach a steward either way).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True)
class Counts:
    threshold: float
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        actual = self.true_positives + self.false_negatives
        return self.true_positives / actual if actual else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class Thresholds:
    auto_confirm: float  # match weight at or above which a link is confirmed without review
    review: float  # match weight at or above which (and below auto_confirm) a steward reviews


@dataclass(frozen=True)
class PRCurve:
    thresholds: npt.NDArray[np.float64]  # descending distinct match weights
    precision: npt.NDArray[np.float64]
    recall: npt.NDArray[np.float64]
    true_positives: npt.NDArray[np.int64]
    false_positives: npt.NDArray[np.int64]
    total_true: int

    def at(self, threshold: float) -> Counts:
        """Counts for links with weight >= threshold."""
        index = int(np.searchsorted(-self.thresholds, -threshold, side="right")) - 1
        tp = int(self.true_positives[index]) if index >= 0 else 0
        fp = int(self.false_positives[index]) if index >= 0 else 0
        return Counts(threshold, tp, fp, self.total_true - tp)


def pr_curve(weights: npt.ArrayLike, is_match: npt.ArrayLike, total_true: int) -> PRCurve:
    """``total_true`` counts every true pair, including those blocking never compared."""
    w = np.asarray(weights, dtype=np.float64)
    y = np.asarray(is_match, dtype=bool)
    if w.shape != y.shape:
        raise ValueError("weights and labels differ in length")
    if total_true < int(y.sum()):
        raise ValueError("total_true is smaller than the number of true pairs scored")
    order = np.lexsort((~y, -w))  # by weight descending; at equal weight it does not matter
    w, y = w[order], y[order]
    tp, fp = np.cumsum(y), np.cumsum(~y)
    last_of_each = np.r_[np.nonzero(np.diff(w))[0], len(w) - 1] if len(w) else np.array([], dtype=np.int64)
    tp, fp, w = tp[last_of_each], fp[last_of_each], w[last_of_each]
    found = tp + fp
    precision = np.where(found > 0, tp / np.maximum(found, 1), 1.0)
    recall = tp / total_true if total_true else np.ones_like(w)
    return PRCurve(w, precision, recall, tp.astype(np.int64), fp.astype(np.int64), total_true)


def choose_thresholds(
    curve: PRCurve, precision_target: float = 0.999, recall_target: float = 0.995, review_curve: PRCurve | None = None
) -> Thresholds:
    """``curve``: pairs that would be auto-confirmed at or above a weight; ``review_curve``
    (default: the same): pairs that would be links or candidates."""
    if len(curve.thresholds) == 0:
        raise ValueError("no scored pairs to choose thresholds from")
    meets = np.nonzero(curve.precision >= precision_target)[0]
    # the lowest threshold whose cumulative precision still meets the target, scanning from the top
    if len(meets) == 0 or meets[0] != 0:
        auto = float(curve.thresholds[0]) + 1e-9  # even the strongest link misses the target: confirm nothing
    else:
        breaks = np.nonzero(np.diff(meets) != 1)[0]
        auto = float(curve.thresholds[meets[breaks[0]] if len(breaks) else meets[-1]])
    # the target, or the best recall the scored pairs allow when it is out of reach
    reviewed = curve if review_curve is None else review_curve
    reaching = np.nonzero(reviewed.recall >= min(recall_target, float(reviewed.recall.max())))[0]
    review = float(reviewed.thresholds[reaching[0]])
    return Thresholds(auto_confirm=auto, review=min(review, auto))
