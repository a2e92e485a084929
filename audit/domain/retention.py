"""Retention of audit events: the date before which events may leave the ledger for an archive."""

from __future__ import annotations

from datetime import datetime


def retention_cutoff(now: datetime, years: int) -> datetime:
    """``now`` less ``years`` calendar years (29 February becomes 28 February)."""
    try:
        return now.replace(year=now.year - years)
    except ValueError:
        return now.replace(year=now.year - years, day=28)


def archivable(before: datetime, now: datetime, years: int) -> bool:
    """Whether events dated before ``before`` are all past the retention period."""
    return before <= retention_cutoff(now, years)
