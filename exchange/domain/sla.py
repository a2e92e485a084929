"""SLA figures as operators read them: per partner counts taken from the database, and the
rates and scorecards derived from them. Pure: no I/O, no clock.

The previous-payer side (our ``$member-match`` decisions and data releases) and the
new-payer side (transfers we asked for) are both keyed by the partner on the other end.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

# A transfer request and an old payer's answer must each be done within one business day
# (CMS-0057-F); time to final acknowledgment is held to the same target.
ONE_BUSINESS_DAY_S = 24 * 3600.0
CONSENT_REASONS = frozenset({"consent_refused_by_partner", "consent_not_in_period"})
DATA_QUALITY_REASONS = frozenset({"received_data_invalid", "received_data_unreadable", "request_invalid_at_partner"})
EXCEPTION_STATES = frozenset({"dead_lettered", "held_for_identity"})


@dataclass
class StepFigures:
    attempts: int = 0
    retries: int = 0
    failures: int = 0
    timeouts: int = 0
    recent_attempts: int = 0
    recent_timeouts: int = 0
    latency_ms_sum: float = 0.0
    buckets: tuple[int, ...] = ()  # cumulative counts at or under each latency bound


@dataclass
class PartnerFigures:
    states: Counter[str] = field(default_factory=Counter)
    oldest_age_s: dict[str, float] = field(default_factory=dict)  # per state
    rejections: Counter[str] = field(default_factory=Counter)  # per reason
    request_late: int = 0
    recent_request_late: int = 0
    completed: int = 0
    first_pass: int = 0
    took_sum_s: float = 0.0
    took_p50_s: float | None = None
    took_p95_s: float | None = None
    steps: dict[str, StepFigures] = field(default_factory=dict)
    decisions: Counter[str] = field(default_factory=Counter)  # per outcome, all time
    recent_decisions: Counter[str] = field(default_factory=Counter)
    baseline_decisions: Counter[str] = field(default_factory=Counter)
    releases: int = 0
    releases_late: int = 0
    recent_releases_late: int = 0

    @property
    def transfers(self) -> int:
        return sum(self.states.values())

    @property
    def consent_refusals(self) -> int:
        return sum(n for r, n in self.rejections.items() if r in CONSENT_REASONS) + self.decisions["consent_refused"]

    @property
    def data_quality_rejects(self) -> int:
        return sum(n for r, n in self.rejections.items() if r in DATA_QUALITY_REASONS)

    @property
    def attempts(self) -> int:
        return sum(s.attempts for s in self.steps.values())

    @property
    def latency_ms_sum(self) -> float:
        return sum(s.latency_ms_sum for s in self.steps.values())


@dataclass
class Figures:
    partners: dict[str, PartnerFigures] = field(default_factory=dict)
    outbox_due: int = 0
    outbox_lag_s: float = 0.0
    bounds_ms: tuple[float, ...] = ()

    def partner(self, partner_id: str | None) -> PartnerFigures:
        return self.partners.setdefault(partner_id or "unknown", PartnerFigures())

    def total(self, name: str) -> int:
        return sum(int(getattr(p, name)) for p in self.partners.values())

    def in_state(self, state: str) -> int:
        return sum(p.states[state] for p in self.partners.values())

    def decisions(self, outcome: str | None = None) -> int:
        return sum(p.decisions[outcome] if outcome else p.decisions.total() for p in self.partners.values())


def ratio(part: float, whole: float) -> float | None:
    """``part / whole``, or None when there is nothing to divide (no figure rather than a made-up 0)."""
    return part / whole if whole else None


def match_rate(decisions: Counter[str]) -> float | None:
    return ratio(decisions["unique_match"], decisions.total())


def finished(p: PartnerFigures) -> int:
    """Transfers that ended one way or another (completed or rejected): the completion rate's base."""
    return p.states["completed"] + p.states["rejected"]


@dataclass(frozen=True)
class Scorecard:
    partner_id: str
    transfers: int
    completion_rate: float | None
    first_pass_rate: float | None
    turnaround_p95_s: float | None
    within_one_business_day: bool | None  # p95 turnaround against the one-business-day rule
    releases_on_time_rate: float | None  # our answers to this partner (old-payer side)
    match_rate: float | None
    dead_letters: int
    held: int
    oldest_exception_age_s: float | None
    request_late: int


def scorecard(partner_id: str, p: PartnerFigures) -> Scorecard:
    ages = [p.oldest_age_s[s] for s in EXCEPTION_STATES if p.states[s]]
    p95 = p.took_p95_s
    return Scorecard(
        partner_id=partner_id,
        transfers=p.transfers,
        completion_rate=ratio(p.states["completed"], finished(p)),
        first_pass_rate=ratio(p.first_pass, p.completed),
        turnaround_p95_s=p95,
        within_one_business_day=None if p95 is None else p95 <= ONE_BUSINESS_DAY_S,
        releases_on_time_rate=ratio(p.releases - p.releases_late, p.releases),
        match_rate=match_rate(p.decisions),
        dead_letters=p.states["dead_lettered"],
        held=p.states["held_for_identity"],
        oldest_exception_age_s=max(ages) if ages else None,
        request_late=p.request_late,
    )
