"""The demo's transfers table says what happened, in the terms the issue asks for."""

from __future__ import annotations

from collections import Counter

from rich.console import Console

from p2p.cli.demo_report import transfers_table
from p2p.pair_outcome import PairOutcome


def text(outcome: PairOutcome, answers: Counter[str]) -> str:
    console = Console(record=True, width=200)
    console.print(transfers_table(outcome, answers, 0.2, 50.0))
    return " ".join(console.export_text().replace("│", " ").split())


def test_the_table_counts_states_reasons_duplicates_retries_and_latency() -> None:
    outcome = PairOutcome(
        submitted=10, transfers=10, found={f"r{i}": f"T{i}" for i in range(10)},
        states=Counter({"completed": 6, "held_for_identity": 3, "dead_lettered": 1}),
        reasons=Counter({"held_for_identity: member_identity_open": 3, "dead_lettered: attempts_exhausted": 1}),
        attempts=Counter({"ok": 20, "http_503": 4, "timeout": 1, "rejected": 2}),
        latency_s=[float(s) for s in range(1, 7)],
    )  # fmt: skip
    shown = text(outcome, Counter({"created": 10, "replayed": 2, "existing": 1}))
    assert "requests 10 (+3 duplicate submissions)" in shown
    assert "duplicates suppressed 2 replayed by Idempotency-Key, 1 found by business intent" in shown
    assert "transfers 10 (lost: 0, stuck with the service: 0)" in shown
    assert "completed 6" in shown
    assert "held for identity 3 (member_identity_open 3)" in shown
    assert "dead lettered 1 (attempts_exhausted 1)" in shown
    assert "calls to the previous payer 20 answered, 5 failed transiently (http_503 4, timeout 1), 2 refused" in shown
    assert "identity decisions at A 0, ingestions at B 0, acknowledgments at A 0" in shown
    assert "0.12 completed transfers/s (6 in 50 s)" in shown
    assert "p95" in shown
