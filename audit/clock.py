"""The one time source of the audit package: every event and checkpoint time comes from ``now``.

Tests replace it with ``use_clock``; nothing else reads the system clock for audit times.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


_clock: Clock = system_clock


def now() -> datetime:
    """The current time in UTC."""
    return _clock()


@contextmanager
def use_clock(clock: Clock) -> Iterator[None]:
    """Use ``clock`` for audit times inside the block (tests)."""
    global _clock
    previous, _clock = _clock, clock
    try:
        yield
    finally:
        _clock = previous
