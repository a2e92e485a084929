"""The checks a two-payer run is judged by (the demo's summary and the reliability suite)."""

from __future__ import annotations

from collections import Counter

import pytest

from p2p.pair_outcome import PairOutcome


def outcome(**changes: object) -> PairOutcome:
    base = PairOutcome(
        submitted=3, transfers=3, found={"r1": "T1", "r2": "T2", "r3": "T3"},
        states=Counter({"completed": 2, "held_for_identity": 1}),
        attempts=Counter({"ok": 5, "http_503": 2, "timeout": 1, "rejected": 1}),
        latency_s=[1.0, 2.0, 3.0, 4.0], calls=Counter({"T1": 2, "T2": 4}),
    )  # fmt: skip
    for name, value in changes.items():
        setattr(base, name, value)
    return base


def test_a_clean_run_holds() -> None:
    run = outcome()
    assert (run.lost, run.stuck, run.retries, run.refusals, run.holds) == (0, 0, 3, 1, True)


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"found": {"r1": "T1", "r2": "T2"}}, "a request without a transfer is lost"),
        ({"transfers": 4}, "a transfer nobody asked for (a duplicate)"),
        ({"states": Counter({"completed": 2, "requesting_data": 1})}, "still moving: stuck with the service"),
        ({"decided_twice": 1}, "the previous payer decided one member twice"),
        ({"ingested_twice": 1}, "one history ingested twice"),
        ({"acknowledged_twice": 1}, "one transfer acknowledged twice"),
    ],
)
def test_each_broken_promise_fails_the_run(change: dict[str, object], why: str) -> None:
    assert not outcome(**change).holds, why


def test_owned_and_finished_states_are_at_rest() -> None:
    at_rest = Counter({"completed": 1, "rejected": 1, "dead_lettered": 1, "held_for_identity": 1, "cancelled": 1,
                       "superseded": 1})  # fmt: skip
    assert outcome(states=at_rest).stuck == 0
    assert outcome(states=Counter({"received": 1, "receiving": 2})).stuck == 3


def test_percentiles_need_two_completions() -> None:
    assert outcome(latency_s=[5.0]).latency_p(95) is None
    run = outcome(latency_s=[float(s) for s in range(1, 101)])
    assert run.latency_p(50) == pytest.approx(50.5)
    assert 95 <= (run.latency_p(95) or 0) <= 96


def test_the_example_transfer_is_the_completed_one_with_most_calls() -> None:
    assert outcome().example_transfer() == "T2"
    assert outcome(calls=Counter({"T9": 3, "T1": 3})).example_transfer() == "T1"  # ties: the smallest id
    assert outcome(calls=Counter()).example_transfer() is None
