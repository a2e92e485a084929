"""Pattern alerts: which conditions of the SLA figures an operator must hear about, how bad
each is, and for which partner. Pure: figures and recent snapshots in, findings out. Each kind
has a runbook section in the README (Operations → Alerts)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import pairwise
from typing import Any

from exchange.domain.sla import Figures, match_rate
from exchange.domain.sla_trends import partner_gauge


class Kind(StrEnum):
    MATCH_RATE_DROP = "match_rate_drop"
    DEAD_LETTER_GROWTH = "dead_letter_growth"
    TIMEOUT_SPIKE = "timeout_spike"
    LATE_ANSWERS = "sla_breach_late_answers"  # our answers not within one business day
    LATE_REQUESTS = "sla_breach_late_requests"  # our requests not within a week of coverage start


class Severity(StrEnum):
    WARNING = "warning"
    CRITICAL = "critical"


@dataclass(frozen=True)
class Thresholds:
    # A match rate is judged on enough decisions to mean something (10 in the recent hour),
    # against the day before; a drop of 20 points warns, 40 is critical.
    min_decisions: int = 10
    match_drop_warning: float = 0.20
    match_drop_critical: float = 0.40
    # Dead letters growing at each of the last 3 snapshots (sustained, not one bad minute).
    growth_snapshots: int = 3
    dead_letters_critical: int = 50
    # Timeouts: at least 5 attempts in the recent window, 30 % timing out warns, 60 % is critical.
    min_attempts: int = 5
    timeout_warning: float = 0.30
    timeout_critical: float = 0.60


@dataclass(frozen=True)
class Finding:
    kind: Kind
    severity: Severity
    partner_id: str
    value: float
    threshold: float
    summary: str

    @property
    def key(self) -> str:
        """One open alert per kind and partner."""
        return f"{self.kind}|{self.partner_id}"


def _match_rate_drop(pid: str, f: Figures, t: Thresholds) -> Finding | None:
    p = f.partners[pid]
    recent, before = match_rate(p.recent_decisions), match_rate(p.baseline_decisions)
    if recent is None or before is None or p.recent_decisions.total() < t.min_decisions:
        return None
    drop = before - recent
    if drop < t.match_drop_warning:
        return None
    severity = Severity.CRITICAL if drop >= t.match_drop_critical else Severity.WARNING
    return Finding(Kind.MATCH_RATE_DROP, severity, pid, round(recent, 4), round(before - t.match_drop_warning, 4),
                   f"unique-match rate {recent:.0%} in the last hour against {before:.0%} the day before")  # fmt: skip


def _timeout_spike(pid: str, f: Figures, t: Thresholds) -> Finding | None:
    steps = f.partners[pid].steps.values()
    attempts, timeouts = sum(s.recent_attempts for s in steps), sum(s.recent_timeouts for s in steps)
    if attempts < t.min_attempts or timeouts / attempts < t.timeout_warning:
        return None
    share = timeouts / attempts
    severity = Severity.CRITICAL if share >= t.timeout_critical else Severity.WARNING
    return Finding(Kind.TIMEOUT_SPIKE, severity, pid, round(share, 4), t.timeout_warning,
                   f"{timeouts} of {attempts} calls to the partner timed out in the last 15 minutes")  # fmt: skip


def _dead_letter_growth(pid: str, f: Figures, history: Sequence[Mapping[str, Any]], t: Thresholds) -> Finding | None:
    now = f.partners[pid].states["dead_lettered"]
    series = [partner_gauge(s, pid) for s in history[-t.growth_snapshots :]] + [now]
    if len(series) <= t.growth_snapshots or any(b <= a for a, b in pairwise(series)):
        return None
    severity = Severity.CRITICAL if now >= t.dead_letters_critical else Severity.WARNING
    return Finding(
        Kind.DEAD_LETTER_GROWTH, severity, pid, now, series[0],
        f"dead letters grew at each of the last {t.growth_snapshots} intervals: {series[0]} to {now}",
    )  # fmt: skip


def _sla_breaches(pid: str, f: Figures) -> list[Finding]:
    p, found = f.partners[pid], []
    if p.recent_releases_late:
        found.append(Finding(Kind.LATE_ANSWERS, Severity.CRITICAL, pid, p.recent_releases_late, 0,
                             f"{p.recent_releases_late} answers to this partner were not given within one business day "
                             "in the last 24 hours"))  # fmt: skip
    if p.recent_request_late:
        found.append(Finding(Kind.LATE_REQUESTS, Severity.WARNING, pid, p.recent_request_late, 0,
                             f"{p.recent_request_late} requests to this partner were sent after their regulatory due "
                             "date in the last 24 hours"))  # fmt: skip
    return found


def evaluate(figures: Figures, history: Sequence[Mapping[str, Any]], t: Thresholds | None = None) -> list[Finding]:
    """Every condition that holds now, per partner. ``history``: earlier snapshots, oldest first."""
    t = t or Thresholds()
    found: list[Finding] = []
    for pid in sorted(figures.partners):
        for rule in (_match_rate_drop(pid, figures, t), _timeout_spike(pid, figures, t),
                     _dead_letter_growth(pid, figures, history, t)):  # fmt: skip
            if rule is not None:
                found.append(rule)
        found.extend(_sla_breaches(pid, figures))
    return found
