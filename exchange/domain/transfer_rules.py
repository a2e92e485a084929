"""Rules about a transfer that are not its states: the business-intent key that finds the
first transfer when a retry arrives with a new Idempotency-Key, and the regulatory timer of
the new payer (CMS-0057-F: request the previous payer's data no later than one week after
coverage starts or the member opts in, whichever is later)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta

REQUEST_WINDOW = timedelta(days=7)
REQUEST_TYPE = "member-history"


@dataclass(frozen=True)
class Intent:
    """What makes two submissions the same business request, whatever their Idempotency-Key."""

    source_payer: str  # who holds the history (the previous payer)
    destination_payer: str  # who asks for it (us)
    member_key: str
    source_request_id: str  # the enrollment system's own id for the request
    request_type: str = REQUEST_TYPE

    @property
    def key(self) -> str:
        parts = (self.source_payer, self.destination_payer, self.request_type, self.member_key, self.source_request_id)
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def request_due_by(coverage_start: date, opt_in: date | None) -> date:
    """The last day the new payer may send its request (the calendar's last day at the latest:
    a start in the window's last week, such as 9999-12-31, must not overflow)."""
    start = max(coverage_start, opt_in) if opt_in is not None else coverage_start
    return start + REQUEST_WINDOW if start <= date.max - REQUEST_WINDOW else date.max


def request_late(due_by: date, sent_on: date) -> bool:
    return sent_on > due_by
