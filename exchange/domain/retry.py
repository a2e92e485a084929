"""Why a call to a partner failed, whether trying again can help, and when to try again.

Transient (retried): connection errors, timeouts, 408, 429, 502, 503, 504, and a token endpoint
that is unavailable. Everything else is permanent: 401 after a fresh token, other 4xx
(validation, identity, consent), 500 and the other 5xx (issue #7 lists the retried statuses;
a 500 is a partner's bug that the same request will hit again), a 2xx body that is not what we
expected, a token refused. Delays are exponential with full jitter, never shorter than the
partner's ``Retry-After``, within a number of attempts and an overall deadline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from enum import StrEnum
from typing import Protocol

MAX_RETRY_AFTER_S = 3600.0  # a partner asking us to wait longer than an hour is treated as an hour


class ErrorClass(StrEnum):
    CONNECTION = "connection"  # refused, reset, closed mid-answer, protocol error: may or may not have run
    TIMEOUT = "timeout"  # no answer in time: the partner may have done it
    HTTP_408 = "http_408"
    HTTP_429 = "http_429"
    HTTP_502 = "http_502"
    HTTP_503 = "http_503"
    HTTP_504 = "http_504"
    HTTP_5XX_OTHER = "http_5xx_other"  # 500, 501, 505...: permanent
    UNAUTHORIZED = "unauthorized"  # 401 (after one retry with a fresh token)
    REJECTED = "rejected"  # any other 4xx: validation, identity, consent
    BAD_RESPONSE = "bad_response"  # a 2xx we cannot read, or a status outside 2xx/4xx/5xx
    TOKEN_UNAVAILABLE = "token_unavailable"  # the partner's token endpoint failed transiently
    TOKEN_REFUSED = "token_refused"  # the partner refused us a token
    IN_FLIGHT = "in_flight"  # 409: the partner is still working on our earlier attempt with this Idempotency-Key


TRANSIENT = frozenset(
    {
        ErrorClass.CONNECTION,
        ErrorClass.TIMEOUT,
        ErrorClass.HTTP_408,
        ErrorClass.HTTP_429,
        ErrorClass.HTTP_502,
        ErrorClass.HTTP_503,
        ErrorClass.HTTP_504,
        ErrorClass.TOKEN_UNAVAILABLE,
        ErrorClass.IN_FLIGHT,
    }
)
# The reason code of the Idempotency-Key draft's 409: "the first request with this key is still running".
IN_FLIGHT_CODE = "idempotency_request_in_flight"
_BY_STATUS = {
    408: ErrorClass.HTTP_408,
    429: ErrorClass.HTTP_429,
    502: ErrorClass.HTTP_502,
    503: ErrorClass.HTTP_503,
    504: ErrorClass.HTTP_504,
    401: ErrorClass.UNAUTHORIZED,
}


def classify_status(status: int) -> ErrorClass | None:
    """None for 2xx; otherwise the class of the failure."""
    if 200 <= status < 300:
        return None
    if status in _BY_STATUS:
        return _BY_STATUS[status]
    if 400 <= status < 500:
        return ErrorClass.REJECTED
    if 500 <= status < 600:
        return ErrorClass.HTTP_5XX_OTHER
    return ErrorClass.BAD_RESPONSE


def classify_answer(status: int, reason_codes: Sequence[str] = ()) -> ErrorClass | None:
    """``classify_status``, except that a 409 saying our earlier attempt with the same key is
    still in flight (a crash or a timeout on our side left it running) is worth retrying."""
    if status == 409 and IN_FLIGHT_CODE in reason_codes:
        return ErrorClass.IN_FLIGHT
    return classify_status(status)


def is_transient(error: ErrorClass) -> bool:
    return error in TRANSIENT


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (RFC 9110 10.2.3): delta-seconds or an
    HTTP-date (a date already past means 0). None when absent or unreadable; at most an hour."""
    if value is None or not (text := value.strip()):
        return None
    if text.isascii() and text.isdigit():
        return min(float(int(text)), MAX_RETRY_AFTER_S)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # asctime dates carry no zone; HTTP dates are always GMT
        when = when.replace(tzinfo=UTC)
    return min(max((when - _aware(now)).total_seconds(), 0.0), MAX_RETRY_AFTER_S)


@dataclass(frozen=True)
class RetryPolicy:
    base_s: float = 1.0  # the first delay is drawn from [0, base_s]
    cap_s: float = 300.0  # no drawn delay exceeds this (Retry-After may)
    max_attempts: int = 8  # attempts in all, the first one included
    deadline_s: float = 86400.0  # no attempt later than this after the first

    def __post_init__(self) -> None:
        if not self.base_s > 0:
            raise ValueError(f"base_s must be positive, got {self.base_s}")
        if not self.cap_s >= self.base_s:
            raise ValueError(f"cap_s ({self.cap_s}) must be at least base_s ({self.base_s})")
        if self.max_attempts < 1:
            raise ValueError(f"max_attempts must be at least 1, got {self.max_attempts}")
        if not self.deadline_s > 0:
            raise ValueError(f"deadline_s must be positive, got {self.deadline_s}")

    def ceiling(self, attempts_made: int) -> float:
        """The upper bound of the delay drawn after the ``attempts_made``-th failure."""
        exponent = min(attempts_made - 1, 1023)  # 2.0**1024 overflows; the cap is long reached by then
        return min(self.cap_s, self.base_s * 2.0**exponent)


class GiveUpReason(StrEnum):
    PERMANENT_ERROR = "permanent_error"
    ATTEMPTS_EXHAUSTED = "attempts_exhausted"
    DEADLINE_PASSED = "deadline_passed"


@dataclass(frozen=True)
class Retry:
    at: datetime
    delay_s: float


@dataclass(frozen=True)
class GiveUp:
    reason: GiveUpReason
    error: ErrorClass


class Uniform(Protocol):
    """What ``next_step`` needs of a random source (``random.Random`` fits)."""

    def uniform(self, a: float, b: float, /) -> float: ...


def next_step(
    policy: RetryPolicy,
    *,
    attempts_made: int,
    first_attempt_at: datetime,
    now: datetime,
    error: ErrorClass,
    retry_after_s: float | None,
    rng: Uniform,
) -> Retry | GiveUp:
    """What to do after the ``attempts_made``-th attempt failed with ``error`` at ``now``."""
    if attempts_made < 1:
        raise ValueError(f"attempts_made must be at least 1, got {attempts_made}")
    if not is_transient(error):
        return GiveUp(GiveUpReason.PERMANENT_ERROR, error)
    if attempts_made >= policy.max_attempts:
        return GiveUp(GiveUpReason.ATTEMPTS_EXHAUSTED, error)
    delay = rng.uniform(0.0, policy.ceiling(attempts_made))
    if retry_after_s is not None:
        delay = max(delay, retry_after_s)
    at = _aware(now) + timedelta(seconds=delay)
    if at > _aware(first_attempt_at) + timedelta(seconds=policy.deadline_s):
        return GiveUp(GiveUpReason.DEADLINE_PASSED, error)
    return Retry(at=at, delay_s=delay)


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("times must carry a time zone (UTC)")
    return moment
