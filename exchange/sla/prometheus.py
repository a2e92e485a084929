"""The SLA figures as Prometheus metric families, computed when scraped (from the cached
figures): counters for what only grows (decisions, completions, attempts, rejections), gauges
for what goes up and down (transfers per state, dead letters, ages, outbox lag)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector

from exchange.domain.sla import DATA_QUALITY_REASONS, Figures

OUTCOMES = {"unique_match": "unique", "no_match": "none", "multiple_matches": "multiple", "needs_review": "review"}


def _counter(name: str, doc: str, labels: list[str]) -> CounterMetricFamily:
    return CounterMetricFamily(name, doc, labels=labels)


def _transfer_families(f: Figures) -> Iterator[Metric]:
    states = GaugeMetricFamily(
        "p2p_transfers", "Transfers we asked for, by partner and state.", labels=["partner", "state"]
    )
    requested = _counter("p2p_transfers_requested", "Transfers accepted from our enrollment systems.", ["partner"])
    completed = _counter("p2p_transfers_completed", "Transfers completed (acknowledged).", ["partner"])
    first = _counter("p2p_transfers_first_pass", "Completed transfers with no failed attempt.", ["partner"])
    dead = GaugeMetricFamily("p2p_dead_letters", "Dead-lettered transfers waiting for an operator.", labels=["partner"])
    review = GaugeMetricFamily("p2p_manual_review_pending", "Transfers held for identity review.", labels=["partner"])
    age = GaugeMetricFamily("p2p_exception_oldest_age_seconds", "Age of the oldest transfer in an exception state.",
                            labels=["partner", "state"])  # fmt: skip
    took = GaugeMetricFamily("p2p_transfer_time_to_acknowledgment_seconds",
                             "Request to final acknowledgment of completed transfers (quantiles).",
                             labels=["partner", "quantile"])  # fmt: skip
    late = _counter("p2p_transfers_request_late", "Transfers requested after their regulatory due date.", ["partner"])
    rejected = _counter("p2p_transfer_rejections", "Rejected transfers by reason.", ["partner", "reason"])
    quality = _counter("p2p_data_quality_rejects", "Transfers rejected for invalid data.", ["partner"])
    consent = _counter("p2p_consent_refusals", "Consent refusals (ours as previous payer, and the partner's).",
                       ["partner"])  # fmt: skip
    for pid, p in sorted(f.partners.items()):
        for state, n in sorted(p.states.items()):
            states.add_metric([pid, state], n)
        for state in ("dead_lettered", "held_for_identity"):
            age.add_metric([pid, state], p.oldest_age_s.get(state, 0.0) if p.states[state] else 0.0)
        for reason, n in sorted(p.rejections.items()):
            rejected.add_metric([pid, reason], n)
        if p.took_p50_s is not None and p.took_p95_s is not None:
            took.add_metric([pid, "0.5"], p.took_p50_s)
            took.add_metric([pid, "0.95"], p.took_p95_s)
        requested.add_metric([pid], p.transfers)
        completed.add_metric([pid], p.completed)
        first.add_metric([pid], p.first_pass)
        dead.add_metric([pid], p.states["dead_lettered"])
        review.add_metric([pid], p.states["held_for_identity"])
        late.add_metric([pid], p.request_late)
        quality.add_metric([pid], sum(n for r, n in p.rejections.items() if r in DATA_QUALITY_REASONS))
        consent.add_metric([pid], p.consent_refusals)
    yield from (states, requested, completed, first, dead, review, age, took, late, rejected, quality, consent)


def _attempt_families(f: Figures) -> Iterator[Metric]:
    attempts = _counter("p2p_delivery_attempts", "Calls to partners per step.", ["partner", "operation", "result"])
    retries = _counter("p2p_delivery_retries", "Calls that were a retry of a step.", ["partner", "operation"])
    timeouts = _counter("p2p_delivery_timeouts", "Calls that timed out.", ["partner", "operation"])
    latency = HistogramMetricFamily("p2p_partner_call_duration_seconds", "Latency of calls to partners per step.",
                                    labels=["partner", "operation"])  # fmt: skip
    for pid, p in sorted(f.partners.items()):
        for step, s in sorted(p.steps.items()):
            attempts.add_metric([pid, step, "ok"], s.attempts - s.failures)
            attempts.add_metric([pid, step, "failed"], s.failures)
            retries.add_metric([pid, step], s.retries)
            timeouts.add_metric([pid, step], s.timeouts)
            buckets = [(f"{b / 1000:g}", n) for b, n in zip(f.bounds_ms, s.buckets, strict=False)]
            latency.add_metric([pid, step], [*buckets, ("+Inf", s.attempts)], s.latency_ms_sum / 1000)
    yield from (attempts, retries, timeouts, latency)


def _previous_payer_families(f: Figures) -> Iterator[Metric]:
    decisions = _counter(
        "p2p_identity_match_decisions", "Our $member-match answers by outcome.", ["partner", "outcome"]
    )
    releases = _counter("p2p_data_releases", "Our releases of member data.", ["partner"])
    late = _counter("p2p_data_releases_late", "Releases not answered within one business day.", ["partner"])
    for pid, p in sorted(f.partners.items()):
        for outcome, n in sorted(p.decisions.items()):
            decisions.add_metric([pid, OUTCOMES.get(outcome, outcome)], n)
        releases.add_metric([pid], p.releases)
        late.add_metric([pid], p.releases_late)
    yield from (decisions, releases, late)


class SlaCollector(Collector):
    def __init__(self, figures: Callable[[], Figures]) -> None:
        self._figures = figures

    def collect(self) -> Iterator[Metric]:
        f = self._figures()
        yield from _transfer_families(f)
        yield from _attempt_families(f)
        yield from _previous_payer_families(f)
        yield GaugeMetricFamily("p2p_outbox_due_messages", "Outbox messages due and not yet taken.", value=f.outbox_due)
        yield GaugeMetricFamily("p2p_outbox_lag_seconds", "How late the oldest due outbox message is.",
                                value=f.outbox_lag_s)  # fmt: skip
