"""Search the ledger by member, correlation id, transfer, case, partner and date range.

Each search runs one indexed query, anchored on the most selective criterion given
(correlation id, case, transfer, member, partner, then the date range alone) and narrowed by
the others. Event times never go back along the chain (the ledger dates an event no earlier
than its predecessor), so a date range becomes a seq range and every page comes in chain
order: pass the last seq of a page as ``after`` to get the next.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from audit.domain.canonical import HASHED_FIELDS
from audit.domain.chain import content_hash, stored_fields
from audit.domain.events import format_time
from audit.errors import SearchError
from graph.store import GraphStore

MAX_LIMIT = 1_000
NO_END = 2**62
ANCHORS = (  # most selective first
    ("correlation_id", "audit/search_by_correlation"),
    ("case_id", "audit/search_by_case"),
    ("transfer_id", "audit/search_by_transfer"),
    ("member_key", "audit/search_by_member"),
    ("partner_id", "audit/search_by_partner"),
)


@dataclass(frozen=True)
class Criteria:
    member_key: str | None = None
    correlation_id: str | None = None
    transfer_id: str | None = None
    case_id: str | None = None
    partner_id: str | None = None
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive

    def any(self) -> bool:
        return any(v is not None for v in vars(self).values())


@dataclass(frozen=True)
class SearchPage:
    events: list[dict[str, Any]] = field(default_factory=list)  # stored fields, plus "intact"
    next_after: int | None = None  # pass as ``after`` for the next page; None at the end


def parse_when(text: str, *, end_of_day: bool = False) -> datetime:
    """A date (``2026-01-31``) or an ISO 8601 date-time (UTC unless it says otherwise). With
    ``end_of_day``, a plain date means the end of that day (for an inclusive ``--until``)."""
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            start = datetime.combine(day, time(0), tzinfo=UTC)
            if not end_of_day:
                return start
            return start + timedelta(days=1) if day < date.max else datetime.max.replace(tzinfo=UTC)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
    except ValueError:
        raise SearchError(f"{text!r} is not a date (YYYY-MM-DD) or an ISO 8601 date-time") from None
    except OverflowError:  # an offset that moves it out of years 1-9999 once in UTC, as it is stored
        raise SearchError(f"{text!r} is outside the years 1 to 9999 in UTC") from None


def _first_seq_at_or_after(store: GraphStore, moment: datetime) -> int | None:
    seq = store.read("audit/first_seq_at_or_after", {"at": format_time(moment)})[0]["seq"]
    return None if seq is None else int(seq)


def search(store: GraphStore, criteria: Criteria, *, after: int = 0, limit: int = 100) -> SearchPage:
    """One page of events matching every given criterion, in chain order after seq ``after``."""
    if not criteria.any():
        raise SearchError("give at least one criterion (member, correlation id, transfer, case, partner or dates)")
    if not 1 <= limit <= MAX_LIMIT:
        raise SearchError(f"the page size must be between 1 and {MAX_LIMIT}")
    if criteria.since and criteria.until and criteria.since >= criteria.until:
        raise SearchError("--since must be before --until")
    if criteria.since is not None:
        first = _first_seq_at_or_after(store, criteria.since)
        if first is None:
            return SearchPage()
        after = max(after, first - 1)
    until_seq = NO_END
    if criteria.until is not None:
        beyond = _first_seq_at_or_after(store, criteria.until)
        until_seq = NO_END if beyond is None else beyond - 1
    params = {
        "member_key": criteria.member_key, "correlation_id": criteria.correlation_id,
        "case_id": criteria.case_id, "transfer_id": criteria.transfer_id, "partner_id": criteria.partner_id,
        "after": after, "until_seq": until_seq, "limit": limit + 1,
    }  # fmt: skip
    query = next((name for key, name in ANCHORS if params[key] is not None), "audit/search_by_range")
    events = [with_integrity(row["event"]) for row in store.read(query, params)]
    more = len(events) > limit  # one more than asked was read, to know whether a next page exists
    return SearchPage(events[:limit], int(events[limit - 1]["seq"]) if more else None)


def all_events(store: GraphStore, alternatives: list[Criteria]) -> list[dict[str, Any]]:
    """Every event matching any of ``alternatives`` (each read page by page), once each, in chain order."""
    events: dict[int, dict[str, Any]] = {}
    for criteria in alternatives:
        after: int | None = 0
        while after is not None:
            page = search(store, criteria, after=after, limit=MAX_LIMIT)
            events.update({int(e["seq"]): e for e in page.events})
            after = page.next_after
    return [events[s] for s in sorted(events)]


def with_integrity(stored: dict[str, Any]) -> dict[str, Any]:
    """The event with every field (absent ones null) and whether its content still matches its hash."""
    fields = stored_fields(stored)
    intact = content_hash(fields, int(fields["seq"])) == stored.get("hash")
    return {**dict.fromkeys(HASHED_FIELDS), **fields, "intact": intact}
