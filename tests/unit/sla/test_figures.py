"""Scorecards, trend points and the snapshot of the figures."""

from __future__ import annotations

from datetime import UTC, datetime

from exchange.domain.sla import ONE_BUSINESS_DAY_S, Figures, scorecard
from exchange.domain.sla_trends import bucket_of, gauge_series, partner_gauge, rate_series, snapshot_of
from exchange.sla.dashboard import current


def test_a_scorecard_holds_turnaround_against_one_business_day_and_ages_exceptions() -> None:
    f = Figures()
    p = f.partner("payer-a")
    p.states.update({"completed": 3, "rejected": 1, "dead_lettered": 2})
    p.oldest_age_s["dead_lettered"] = 7200.0
    p.completed, p.first_pass, p.took_p95_s = 3, 2, ONE_BUSINESS_DAY_S + 1
    card = scorecard("payer-a", p)
    assert card.completion_rate == 0.75
    assert card.first_pass_rate == 2 / 3
    assert card.within_one_business_day is False
    assert (card.dead_letters, card.oldest_exception_age_s) == (2, 7200.0)


def test_no_figure_is_made_up_when_there_is_nothing_to_divide() -> None:
    card = scorecard("p", Figures().partner("p"))
    assert card.completion_rate is None and card.match_rate is None and card.within_one_business_day is None
    assert current(Figures())["match_rate"] is None


def test_trend_points_are_per_interval_changes_of_running_totals() -> None:
    snaps = [
        {"at": "t0", "unique_matches": 10, "decisions": 10, "dead_letters": 0},
        {"at": "t1", "unique_matches": 15, "decisions": 20, "dead_letters": 2},
        {"at": "t2", "unique_matches": 15, "decisions": 20, "dead_letters": 1},
    ]
    assert rate_series(snaps, "unique_matches", "decisions") == [("t1", 0.5), ("t2", None)]
    assert gauge_series(snaps, "dead_letters") == [("t0", 0.0), ("t1", 2.0), ("t2", 1.0)]


def test_processes_share_one_snapshot_bucket_per_interval() -> None:
    a = datetime(2026, 11, 29, 10, 0, 5, tzinfo=UTC)
    b = datetime(2026, 11, 29, 10, 0, 59, tzinfo=UTC)
    assert bucket_of(a, 60) == bucket_of(b, 60) == "2026-11-29T10:00:00+00:00"
    assert bucket_of(a, 60) != bucket_of(datetime(2026, 11, 29, 10, 1, tzinfo=UTC), 60)


def test_a_snapshot_keeps_totals_and_dead_letters_per_partner() -> None:
    f = Figures()
    f.partner("payer-a").states.update({"completed": 2, "dead_lettered": 1})
    f.partner("payer-a").decisions.update({"unique_match": 3, "needs_review": 1})
    snap = snapshot_of(f, datetime(2026, 11, 29, 10, 0, 5, tzinfo=UTC), 60)
    assert (snap["completed"], snap["finished"], snap["decisions"], snap["unique_matches"]) == (2, 2, 4, 3)
    assert partner_gauge(snap, "payer-a") == 1 and partner_gauge(snap, "payer-z") == 0
