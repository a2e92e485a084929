"""The suite's table and its pass/fail rules: pure functions of what a scenario observed."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rich.table import Table

from p2p.pair_outcome import PairOutcome


@dataclass(frozen=True)
class Result:
    """One row of the table: what a scenario tried and what happened."""

    scenario: str
    tried: str
    expected: str
    observed: str
    passed: bool


def counts(counter: Mapping[str, int]) -> str:
    """``a 3, b 1`` (most frequent first), or ``none``."""
    return ", ".join(f"{k} {v}" for k, v in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))) or "none"


def exit_status(results: Iterable[Result]) -> int:
    """0 when at least one row ran and every row passed."""
    rows = list(results)
    return 0 if rows and all(r.passed for r in rows) else 1


def table(results: Iterable[Result]) -> Table:
    out = Table("scenario", "what was done", "expected", "observed", "result", title="Reliability suite",
                title_justify="left", show_lines=True)  # fmt: skip
    for r in results:
        out.add_row(
            r.scenario, r.tried, r.expected, r.observed, "[green]pass[/green]" if r.passed else "[red]FAIL[/red]"
        )
    return out


def fuzz_verdict(operations: int, examples: int, failures: Counter[str], tried: str) -> Result:
    """Schemathesis: every operation exercised and no failure of any check (5xx, schema)."""
    observed = f"{operations} operations, {examples} requests; failures: {counts(failures)}"
    return Result("fuzz", tried, "no 5xx; every response conforms to the document", observed,
                  operations > 0 and examples >= operations and not failures)  # fmt: skip


def concurrency_verdict(answers: list[tuple[str, str | None, str]], transfers: int, tried: str) -> Result:
    """``answers`` as (kind, transfer id, first status): one transfer, every answer points to it."""
    pointed = Counter(t for _, t, _ in answers)
    kinds = Counter(k for k, _, _ in answers)
    first = Counter(f for _, _, f in answers)
    only = next(iter(pointed)) if len(pointed) == 1 else None
    observed = (f"{transfers} transfer(s); answers: {counts(kinds)}; first status: {counts(first)}; "
                f"{len(pointed)} distinct transfer id(s) in the answers")  # fmt: skip
    ok = (
        transfers == 1
        and only is not None
        and kinds["created"] == 1
        and not (set(kinds) - {"created", "replayed", "existing"})
    )
    return Result("concurrency", tried, "1 transfer; every answer points to it", observed, ok)


def crash_verdict(outcome: PairOutcome, kills: Counter[str], wanted: Iterable[str], alive: Mapping[str, bool],
                  tried: str) -> Result:  # fmt: skip
    """Nothing lost, stuck or done twice; every kind of kill happened; every process alive at the end."""
    missing = sorted(set(wanted) - set(kills))
    dead = sorted(name for name, up in alive.items() if not up)
    observed = (f"{outcome.submitted} submitted, {outcome.transfers} transfers, lost {outcome.lost}, "
                f"stuck {outcome.stuck}, "
                f"decided twice {outcome.decided_twice}, ingested twice {outcome.ingested_twice}, "
                f"acknowledged twice {outcome.acknowledged_twice}; states: {counts(outcome.states)}; "
                f"kills: {counts(kills)}")  # fmt: skip
    if missing:
        observed += f"; never killed: {', '.join(missing)}"
    if dead:
        observed += f"; down at the end: {', '.join(dead)}"
    return Result("crashes", tried, "0 lost, 0 stuck, 0 duplicates; all services up", observed,
                  outcome.holds and not missing and not dead)  # fmt: skip


def tamper_verdict(plant: str, tried: str, expected: tuple[int, str] | None, found: list[tuple[int, str]]) -> Result:
    """``expected`` as (seq, problem kind), None for an untouched ledger; ``found`` every problem verify
    reported, in seq order. Passes when verify names the plant (or, untouched, reports nothing)."""

    def say(what: tuple[int, str]) -> str:
        return f"{what[1]} at seq {what[0]}"

    if expected is None:
        passed, observed = not found, "verifies" if not found else f"{len(found)} problem(s), first {say(found[0])}"
    else:
        passed = expected in found
        observed = say(expected) if passed else "not named"
        if found and found[0] != expected:
            observed += f" ({len(found)} problems; first {say(found[0])})"
    return Result(f"tampering: {plant}", tried, "verifies" if expected is None else say(expected), observed, passed)
