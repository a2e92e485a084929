"""What the SLA dashboard shows, as one JSON document: current figures, trend charts (SVG drawn
here), per-partner scorecards, open alerts, and links into the dead-letter queue and evidence."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import Any
from urllib.parse import quote

from exchange.domain.sla import Figures, finished, match_rate, ratio, scorecard
from exchange.domain.sla_trends import gauge_series, rate_series
from exchange.sla.svg import line_chart

DEAD_LETTER_QUEUE = "/operations/transfers?state=dead_lettered"


def _percent(v: float) -> str:
    return f"{v:.0%}"


def current(f: Figures) -> dict[str, Any]:
    parts = f.partners.values()
    attempts = f.total("attempts")
    decisions: Counter[str] = Counter()
    for p in parts:
        decisions.update(p.decisions)
    return {
        "transfers": f.total("transfers"),
        "completed": f.in_state("completed"),
        "completion_rate": ratio(f.in_state("completed"), sum(finished(p) for p in parts)),
        "first_pass_rate": ratio(f.total("first_pass"), f.total("completed")),
        "dead_letters": f.in_state("dead_lettered"),
        "held_for_identity": f.in_state("held_for_identity"),
        "match_decisions": f.decisions(),
        "match_rate": match_rate(decisions),
        "retries": sum(s.retries for p in parts for s in p.steps.values()),
        "mean_partner_latency_ms": ratio(sum(p.latency_ms_sum for p in parts), attempts),
        "consent_refusals": f.total("consent_refusals"),
        "data_quality_rejects": f.total("data_quality_rejects"),
        "request_late": f.total("request_late"),
        "outbox_due": f.outbox_due,
        "outbox_lag_s": f.outbox_lag_s,
    }


def charts(snapshots: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    matches = rate_series(snapshots, "unique_matches", "decisions")
    completion = rate_series(snapshots, "completed", "finished")
    return {
        "match_rate": line_chart("Identity match rate", matches, fmt=_percent, y_max=1.0),
        "completion": line_chart("Completion rate", completion, fmt=_percent, y_max=1.0),
        "latency": line_chart("Mean partner call latency (ms)", rate_series(snapshots, "latency_ms_sum", "attempts")),
        "dead_letters": line_chart("Dead letters", gauge_series(snapshots, "dead_letters")),
    }


def data(f: Figures, snapshots: Sequence[Mapping[str, Any]], alerts: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    cards = []
    for pid, p in sorted(f.partners.items()):
        card = asdict(scorecard(pid, p))
        card["links"] = {
            "dead_letters": DEAD_LETTER_QUEUE,
            "audit_events": f"/audit/events?partner={quote(pid, safe='')}",
        }
        cards.append(card)
    return {
        "current": current(f),
        "charts": charts(snapshots),
        "snapshots": len(snapshots),
        "scorecards": cards,
        "alerts": list(alerts),
        "links": {
            "dead_letters": DEAD_LETTER_QUEUE,
            "alerts": "/operations/alerts?status=open",
            "evidence": "/audit/evidence/members/{member_key}?format=html",
            "metrics": "/metrics",
        },
    }
