"""The reliability suite's pass/fail rules and its exit status (benchmarks/reliability/verdicts.py)."""

from __future__ import annotations

from collections import Counter

from benchmarks.reliability.verdicts import (
    Result,
    concurrency_verdict,
    counts,
    crash_verdict,
    exit_status,
    fuzz_verdict,
    tamper_verdict,
)
from p2p.pair_outcome import PairOutcome

ALL_KILLED = Counter({"api-a": 2, "api-b": 2, "worker": 3, "neo4j-payer-a": 1, "neo4j-payer-b": 1})
WANTED = ["api-a", "api-b", "worker", "worker", "neo4j-payer-a", "neo4j-payer-b"]
UP = {"api-a": True, "api-b": True, "worker-0": True}


def outcome(submitted: int = 3, **changes: object) -> PairOutcome:
    found = {f"req-{i}": f"T{i}" for i in range(submitted)}
    result = PairOutcome(submitted=submitted, transfers=submitted, found=found,
                         states=Counter({"completed": submitted - 1, "dead_lettered": 1}))  # fmt: skip
    for name, value in changes.items():
        setattr(result, name, value)
    return result


def row(passed: bool) -> Result:
    return Result("s", "tried", "expected", "observed", passed)


def test_the_exit_status_is_zero_only_when_every_row_passed() -> None:
    assert exit_status([row(True), row(True)]) == 0
    assert exit_status([row(True), row(False)]) == 1
    assert exit_status([]) == 1  # nothing ran is not a pass


def test_counts_are_listed_most_frequent_first() -> None:
    assert counts(Counter({"b": 1, "a": 3, "c": 1})) == "a 3, b 1, c 1"
    assert counts(Counter()) == "none"


def test_fuzz_passes_only_without_failures_and_with_every_operation_exercised() -> None:
    assert fuzz_verdict(20, 500, Counter(), "t").passed
    failed = fuzz_verdict(20, 500, Counter({"POST /transfers: Server error": 2}), "t")
    assert not failed.passed and "POST /transfers: Server error 2" in failed.observed
    assert not fuzz_verdict(0, 0, Counter(), "t").passed
    assert not fuzz_verdict(20, 5, Counter(), "t").passed  # fewer requests than operations


def test_concurrency_passes_when_one_transfer_was_created_and_every_answer_points_to_it() -> None:
    answers = [("created", "T1", "201"), ("replayed", "T1", "409"), ("existing", "T1", "200")]
    assert concurrency_verdict(answers, 1, "t").passed


def test_concurrency_fails_on_a_second_transfer_or_a_stray_answer() -> None:
    assert not concurrency_verdict([("created", "T1", "201"), ("created", "T2", "201")], 2, "t").passed
    assert not concurrency_verdict([("created", "T1", "201"), ("existing", "T2", "200")], 1, "t").passed
    assert not concurrency_verdict([("created", "T1", "201"), ("gave up", None, "409")], 1, "t").passed
    assert not concurrency_verdict([("created", "T1", "201"), ("500", "T1", "500")], 1, "t").passed


def test_crashes_pass_when_the_outcome_holds_every_target_was_killed_and_everything_is_up() -> None:
    verdict = crash_verdict(outcome(), ALL_KILLED, WANTED, UP, "t")
    assert verdict.passed and "lost 0" in verdict.observed


def test_crashes_fail_on_a_lost_stuck_or_twice_done_transfer() -> None:
    lost = outcome()
    lost.found.pop("req-0")
    assert not crash_verdict(lost, ALL_KILLED, WANTED, UP, "t").passed
    stuck = outcome(states=Counter({"completed": 2, "delivering": 1}))
    assert not crash_verdict(stuck, ALL_KILLED, WANTED, UP, "t").passed
    assert not crash_verdict(outcome(ingested_twice=1), ALL_KILLED, WANTED, UP, "t").passed


def test_crashes_fail_when_a_target_was_never_killed_or_a_service_is_down() -> None:
    spared = crash_verdict(outcome(), ALL_KILLED - Counter({"neo4j-payer-a": 1}), WANTED, UP, "t")
    assert not spared.passed and "never killed: neo4j-payer-a" in spared.observed
    down = crash_verdict(outcome(), ALL_KILLED, WANTED, {**UP, "worker-0": False}, "t")
    assert not down.passed and "down at the end: worker-0" in down.observed


def test_an_untouched_ledger_passes_only_without_any_problem() -> None:
    assert tamper_verdict("none", "t", None, []).observed == "verifies"
    assert tamper_verdict("none", "t", None, []).passed
    assert not tamper_verdict("none", "t", None, [(3, "altered")]).passed


def test_tampering_passes_when_verify_names_the_plant_at_its_seq_and_kind() -> None:
    found = tamper_verdict("delete", "t", (50, "missing"), [(50, "missing"), (90, "reordered")])
    assert found.passed and found.observed == "missing at seq 50"
    behind_a_checkpoint = tamper_verdict("delete", "t", (50, "missing"), [(20, "checkpoint_mismatch"), (50, "missing")])
    assert behind_a_checkpoint.passed and "first checkpoint_mismatch at seq 20" in behind_a_checkpoint.observed


def test_tampering_fails_when_verify_misses_the_plant() -> None:
    assert not tamper_verdict("delete", "t", (50, "missing"), []).passed
    assert not tamper_verdict("delete", "t", (50, "missing"), [(51, "missing")]).passed
    assert not tamper_verdict("delete", "t", (50, "missing"), [(50, "altered")]).passed
