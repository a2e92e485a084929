import random
import sys
from datetime import UTC, datetime, timedelta

import pytest

from exchange.domain.retry import (
    MAX_RETRY_AFTER_S,
    ErrorClass,
    GiveUp,
    GiveUpReason,
    Retry,
    RetryPolicy,
    classify_answer,
    classify_status,
    is_transient,
    next_step,
    parse_retry_after,
)
from p2p.settings import PROJECT_ROOT
from tests.unit.security.test_layering import imported

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (200, None), (201, None), (204, None),
        (408, ErrorClass.HTTP_408), (429, ErrorClass.HTTP_429),
        (502, ErrorClass.HTTP_502), (503, ErrorClass.HTTP_503), (504, ErrorClass.HTTP_504),
        (500, ErrorClass.HTTP_5XX_OTHER), (501, ErrorClass.HTTP_5XX_OTHER), (599, ErrorClass.HTTP_5XX_OTHER),
        (401, ErrorClass.UNAUTHORIZED),
        (400, ErrorClass.REJECTED), (403, ErrorClass.REJECTED), (404, ErrorClass.REJECTED),
        (409, ErrorClass.REJECTED), (422, ErrorClass.REJECTED),
        (302, ErrorClass.BAD_RESPONSE), (101, ErrorClass.BAD_RESPONSE),
    ],
)  # fmt: skip
def test_each_status_gets_its_class(status: int, expected: ErrorClass | None) -> None:
    assert classify_status(status) == expected


def test_only_the_listed_failures_are_transient() -> None:
    transient = {e for e in ErrorClass if is_transient(e)}
    assert transient == {
        ErrorClass.CONNECTION, ErrorClass.TIMEOUT, ErrorClass.HTTP_408, ErrorClass.HTTP_429,
        ErrorClass.HTTP_502, ErrorClass.HTTP_503, ErrorClass.HTTP_504, ErrorClass.TOKEN_UNAVAILABLE,
        ErrorClass.IN_FLIGHT,
    }  # fmt: skip
    assert not is_transient(classify_status(500))  # type: ignore[arg-type]


@pytest.mark.parametrize("kwargs", [{"base_s": 0}, {"base_s": 10, "cap_s": 5}, {"max_attempts": 0}, {"deadline_s": -1}])
def test_a_policy_that_cannot_work_is_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]


def step(
    attempts: int,
    error: ErrorClass = ErrorClass.HTTP_503,
    *,
    policy: RetryPolicy | None = None,
    now: datetime = T0,
    retry_after_s: float | None = None,
    seed: int = 0,
) -> Retry | GiveUp:
    return next_step(
        policy or RetryPolicy(), attempts_made=attempts, first_attempt_at=T0, now=now,
        error=error, retry_after_s=retry_after_s, rng=random.Random(seed),
    )  # fmt: skip


@pytest.mark.parametrize(
    "error", [ErrorClass.REJECTED, ErrorClass.UNAUTHORIZED, ErrorClass.HTTP_5XX_OTHER, ErrorClass.BAD_RESPONSE,
              ErrorClass.TOKEN_REFUSED],
)  # fmt: skip
def test_a_permanent_error_gives_up_at_once_even_on_the_first_attempt(error: ErrorClass) -> None:
    assert step(1, error) == GiveUp(GiveUpReason.PERMANENT_ERROR, error)


@pytest.mark.parametrize("attempts", [1, 2, 3, 5, 7])
def test_full_jitter_stays_within_the_exponential_ceiling(attempts: int) -> None:
    policy = RetryPolicy(base_s=1.0, cap_s=300.0, max_attempts=8)
    ceiling = min(300.0, 2.0 ** (attempts - 1))
    delays = []
    for seed in range(500):
        result = step(attempts, ErrorClass.TIMEOUT, policy=policy, seed=seed)
        assert isinstance(result, Retry)
        assert 0.0 <= result.delay_s <= ceiling
        assert result.at == T0 + timedelta(seconds=result.delay_s)
        delays.append(result.delay_s)
    # full jitter spreads over the whole range, not just near the ceiling
    assert min(delays) < 0.1 * ceiling and max(delays) > 0.9 * ceiling


def test_the_cap_bounds_late_delays() -> None:
    policy = RetryPolicy(base_s=1.0, cap_s=20.0, max_attempts=2000)
    for seed in range(200):
        result = step(1500, ErrorClass.CONNECTION, policy=policy, seed=seed)
        assert isinstance(result, Retry) and result.delay_s <= 20.0


def test_retry_after_is_a_floor_on_the_delay() -> None:
    for seed in range(200):
        result = step(1, ErrorClass.HTTP_429, retry_after_s=30.0, seed=seed)
        assert isinstance(result, Retry) and result.delay_s == 30.0  # first ceiling is 1 s
    late = [step(8, retry_after_s=2.0, seed=s, policy=RetryPolicy(max_attempts=9)) for s in range(200)]
    assert all(isinstance(r, Retry) and r.delay_s >= 2.0 for r in late)
    assert any(isinstance(r, Retry) and r.delay_s > 2.0 for r in late)  # jitter still above the floor


def test_attempts_are_bounded() -> None:
    policy = RetryPolicy(max_attempts=3)
    assert isinstance(step(2, policy=policy), Retry)
    assert step(3, policy=policy) == GiveUp(GiveUpReason.ATTEMPTS_EXHAUSTED, ErrorClass.HTTP_503)


def test_no_retry_is_planned_after_the_deadline() -> None:
    policy = RetryPolicy(deadline_s=3600.0)
    assert isinstance(step(1, policy=policy, now=T0 + timedelta(seconds=3500)), Retry)
    too_late = step(1, policy=policy, now=T0 + timedelta(seconds=3590), retry_after_s=60.0)
    assert too_late == GiveUp(GiveUpReason.DEADLINE_PASSED, ErrorClass.HTTP_503)
    assert step(2, policy=policy, now=T0 + timedelta(hours=2)) == GiveUp(
        GiveUpReason.DEADLINE_PASSED, ErrorClass.HTTP_503
    )


def test_times_without_a_zone_and_impossible_attempt_counts_are_refused() -> None:
    with pytest.raises(ValueError):
        step(1, now=datetime(2026, 3, 1, 12, 0))
    with pytest.raises(ValueError):
        step(0)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", 120.0), (" 0 ", 0.0), ("99999999", MAX_RETRY_AFTER_S),
        ("Sun, 01 Mar 2026 12:00:30 GMT", 30.0),  # IMF-fixdate
        ("Sunday, 01-Mar-26 12:01:00 GMT", 60.0),  # obsolete RFC 850
        ("Sun Mar  1 12:00:05 2026", 5.0),  # asctime
        ("Sun, 01 Mar 2026 11:00:00 GMT", 0.0),  # already past: retry now
        ("Mon, 01 Mar 2027 12:00:00 GMT", MAX_RETRY_AFTER_S),
        (None, None), ("", None), ("-5", None), ("1.5", None), ("soon", None), ("٣", None),
    ],
)  # fmt: skip
def test_retry_after_reads_seconds_and_http_dates(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value, T0) == expected


@pytest.mark.parametrize("module", ["retry.py", "faults.py"])
def test_the_retry_and_fault_rules_use_only_the_standard_library(module: str) -> None:
    tops = {name.split(".")[0] for name in imported(PROJECT_ROOT / "exchange" / "domain" / module)}
    assert tops <= set(sys.stdlib_module_names), tops - set(sys.stdlib_module_names)


def test_a_409_for_our_own_attempt_still_in_flight_is_retried_but_a_business_409_is_not() -> None:
    in_flight = classify_answer(409, ["idempotency_request_in_flight"])
    assert in_flight is ErrorClass.IN_FLIGHT and is_transient(in_flight)
    conflict = classify_answer(409, ["transfer_already_acknowledged"])
    assert conflict is ErrorClass.REJECTED and not is_transient(conflict)
    assert classify_answer(503, ["idempotency_request_in_flight"]) is ErrorClass.HTTP_503
