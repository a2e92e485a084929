import numpy as np
import pytest

from matching.linkage.thresholds import choose_thresholds, pr_curve


def test_counts_at_a_threshold_include_true_pairs_blocking_missed() -> None:
    curve = pr_curve([9, 8, 7, 3, 1], [True, True, False, True, False], total_true=5)
    at7 = curve.at(7)
    assert (at7.true_positives, at7.false_positives, at7.false_negatives) == (2, 1, 3)
    assert at7.precision == pytest.approx(2 / 3)
    assert at7.recall == pytest.approx(2 / 5)
    assert curve.at(100).precision == 1.0 and curve.at(100).true_positives == 0
    assert curve.at(-100).true_positives == 3


def test_equal_weights_are_one_point_on_the_curve() -> None:
    curve = pr_curve([5, 5, 5, 2], [True, False, True, True], total_true=3)
    assert list(curve.thresholds) == [5, 2]
    assert curve.at(5).false_positives == 1


def test_auto_confirm_is_the_lowest_weight_that_keeps_the_precision_target() -> None:
    weights = np.r_[np.linspace(20, 10, 1000), [9.5, 9.5], np.linspace(9, 0, 100)]
    labels = np.r_[np.ones(1000, bool), [False, False], np.ones(50, bool), np.zeros(50, bool)]
    curve = pr_curve(weights, labels, total_true=1060)
    thresholds = choose_thresholds(curve, precision_target=0.999)
    assert thresholds.auto_confirm == pytest.approx(10.0)  # the two false links at 9.5 would break 0.999
    assert curve.at(thresholds.auto_confirm).precision == 1.0
    assert thresholds.review < thresholds.auto_confirm


def test_when_even_the_best_link_is_wrong_nothing_is_auto_confirmed() -> None:
    curve = pr_curve([10, 9], [False, True], total_true=1)
    assert choose_thresholds(curve).auto_confirm > 10


def test_review_threshold_reaches_the_recall_target() -> None:
    curve = pr_curve([10, 8, 6, 4, 2], [True, False, True, True, False], total_true=4)
    thresholds = choose_thresholds(curve, precision_target=0.99, recall_target=0.75)
    assert thresholds.auto_confirm == 10
    assert thresholds.review == 4
    assert curve.at(thresholds.review).recall >= 0.75


def test_mismatched_inputs_are_refused() -> None:
    with pytest.raises(ValueError):
        pr_curve([1, 2], [True], total_true=1)
    with pytest.raises(ValueError):
        pr_curve([1, 2], [True, True], total_true=1)


def test_review_threshold_stops_where_recall_stops_growing_when_the_target_is_out_of_reach() -> None:
    curve = pr_curve([10, 8, 6, 4, 2], [True, True, False, False, False], total_true=4)
    thresholds = choose_thresholds(curve, precision_target=0.99, recall_target=0.99)
    assert thresholds.review == 8


def test_pairs_held_for_review_whatever_their_weight_count_for_review_but_not_for_auto_confirm() -> None:
    # two wrong pairs at 9 (twins) are held by the guard: left out of the auto-confirm curve,
    # so they do not lift the threshold; as candidates they are in the review curve
    confirmable = pr_curve([10, 8, 6, 4], [True, True, True, True], total_true=6)
    reviewed = pr_curve([10, 9, 9, 8, 7, 6, 4, 3], [True, False, False, True, True, True, True, True], total_true=6)
    thresholds = choose_thresholds(confirmable, precision_target=0.999, recall_target=1.0, review_curve=reviewed)
    assert thresholds.auto_confirm == 4
    assert thresholds.review == 3  # the true pair at 7 is held by the guard too: a steward sees it from 3
    assert choose_thresholds(reviewed, precision_target=0.999).auto_confirm == 10  # without the guard
