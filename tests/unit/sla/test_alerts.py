"""Pattern alert rules: each fires on its condition, with its severity and partner, and stays quiet below it."""

from __future__ import annotations

import json
from collections import Counter

from exchange.domain.alerts import Kind, Severity, evaluate
from exchange.domain.sla import Figures, StepFigures


def decisions(unique: int, other: int) -> Counter[str]:
    return Counter({"unique_match": unique, "no_match": other})


def snapshot(dead: dict[str, int]) -> dict[str, object]:
    return {"at": "2026-11-29T00:00:00+00:00", "dead_letters_by_partner": json.dumps(dead)}


def test_a_sudden_drop_in_match_rate_is_critical_past_forty_points_and_names_the_partner() -> None:
    f = Figures()
    f.partner("payer-b").baseline_decisions = decisions(90, 10)
    f.partner("payer-b").recent_decisions = decisions(4, 8)
    [found] = evaluate(f, [])
    assert (found.kind, found.severity, found.partner_id) == (Kind.MATCH_RATE_DROP, Severity.CRITICAL, "payer-b")


def test_a_match_rate_drop_needs_enough_recent_decisions_and_a_real_drop() -> None:
    few = Figures()
    few.partner("p").baseline_decisions, few.partner("p").recent_decisions = decisions(90, 10), decisions(1, 5)
    small = Figures()
    small.partner("p").baseline_decisions, small.partner("p").recent_decisions = decisions(90, 10), decisions(8, 3)
    assert evaluate(few, []) == [] and evaluate(small, []) == []


def test_a_timeout_spike_warns_at_thirty_percent_of_recent_calls() -> None:
    f = Figures()
    f.partner("payer-a").steps["member_match"] = StepFigures(recent_attempts=10, recent_timeouts=4)
    [found] = evaluate(f, [])
    assert (found.kind, found.severity, found.value) == (Kind.TIMEOUT_SPIKE, Severity.WARNING, 0.4)
    f.partner("payer-a").steps["member_match"] = StepFigures(recent_attempts=10, recent_timeouts=2)
    assert evaluate(f, []) == []


def test_dead_letters_must_grow_at_each_of_the_last_intervals() -> None:
    f = Figures()
    f.partner("payer-a").states["dead_lettered"] = 4
    growing = [snapshot({"payer-a": n}) for n in (1, 2, 3)]
    [found] = evaluate(f, growing)
    assert (found.kind, found.severity, found.partner_id) == (Kind.DEAD_LETTER_GROWTH, Severity.WARNING, "payer-a")
    flat = [snapshot({"payer-a": n}) for n in (1, 3, 3)]
    assert evaluate(f, flat) == []
    assert evaluate(f, growing[1:]) == []  # not enough history to call it sustained


def test_sla_breaches_are_raised_for_late_answers_and_late_requests() -> None:
    f = Figures()
    f.partner("payer-b").recent_releases_late = 2
    f.partner("payer-a").recent_request_late = 1
    kinds = {(x.kind, x.partner_id, x.severity) for x in evaluate(f, [])}
    assert kinds == {
        (Kind.LATE_ANSWERS, "payer-b", Severity.CRITICAL),
        (Kind.LATE_REQUESTS, "payer-a", Severity.WARNING),
    }


def test_one_open_alert_per_kind_and_partner() -> None:
    f = Figures()
    f.partner("payer-b").recent_releases_late = 1
    assert [x.key for x in evaluate(f, [])] == ["sla_breach_late_answers|payer-b"]
