"""Trends from periodic snapshots: a snapshot keeps running totals and gauges; a trend point is
the change between two consecutive snapshots (like a Prometheus ``rate``), so a chart shows
what happened in each interval, not the all-time average. Pure."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from itertools import pairwise
from typing import Any

from exchange.domain.sla import Figures, finished, ratio

Point = tuple[str, float | None]  # (ISO moment, value or None: nothing happened in the interval)


def bucket_of(at: datetime, interval_s: float) -> str:
    """The interval ``at`` falls in, named by its start (one snapshot per bucket, whatever the process)."""
    seconds = int(at.timestamp() // interval_s * interval_s)
    return datetime.fromtimestamp(seconds, UTC).isoformat()


def snapshot_of(figures: Figures, at: datetime, interval_s: float) -> dict[str, Any]:
    parts = figures.partners.values()
    by_partner = {pid: p.states["dead_lettered"] for pid, p in sorted(figures.partners.items())}
    return {
        "bucket": bucket_of(at, interval_s),
        "at": at.isoformat(),
        "decisions": figures.decisions(),
        "unique_matches": figures.decisions("unique_match"),
        "completed": figures.in_state("completed"),
        "finished": sum(finished(p) for p in parts),
        "attempts": figures.total("attempts"),
        "latency_ms_sum": float(sum(p.latency_ms_sum for p in parts)),
        "dead_letters": figures.in_state("dead_lettered"),
        "held": figures.in_state("held_for_identity"),
        "outbox_lag_s": figures.outbox_lag_s,
        "dead_letters_by_partner": json.dumps(by_partner, sort_keys=True),
    }


def _delta(later: Mapping[str, Any], earlier: Mapping[str, Any], key: str) -> float:
    return max(0.0, float(later.get(key) or 0) - float(earlier.get(key) or 0))


def rate_series(snapshots: Sequence[Mapping[str, Any]], part: str, whole: str) -> list[Point]:
    """Per interval: (increase of ``part``) / (increase of ``whole``)."""
    return [(str(b["at"]), ratio(_delta(b, a, part), _delta(b, a, whole))) for a, b in pairwise(snapshots)]


def gauge_series(snapshots: Sequence[Mapping[str, Any]], key: str) -> list[Point]:
    return [(str(s["at"]), float(s.get(key) or 0)) for s in snapshots]


def partner_gauge(snapshot: Mapping[str, Any], partner_id: str) -> int:
    counts: dict[str, int] = json.loads(snapshot.get("dead_letters_by_partner") or "{}")
    return int(counts.get(partner_id, 0))
