"""The periodic SLA job: read the figures, keep one snapshot per interval (trends), evaluate the
pattern alerts against the snapshots before it and record them: a new alert or a resolved one is
an ``(:Alert)`` change and an audit event in one transaction. Several API processes share the
job: only the one that wrote the interval's snapshot evaluates the alerts."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from audit.domain.events import EventDraft, Outcome
from audit.ledger import append
from exchange.domain.alerts import Finding, Thresholds, evaluate
from exchange.domain.sla_trends import snapshot_of
from exchange.sla.figures import read_figures
from graph.store import GraphStore, TxRunner

ACTOR = "service:sla-monitor"
HISTORY = 48  # snapshots kept in view for trends and growth rules


@dataclass(frozen=True)
class Round:
    snapshot_written: bool
    findings: tuple[Finding, ...] = ()
    raised: tuple[str, ...] = ()  # alert ids raised by this round
    resolved: tuple[str, ...] = ()


def recent_snapshots(store: GraphStore, now: datetime, interval_s: float, limit: int = HISTORY) -> list[dict[str, Any]]:
    since = now - timedelta(seconds=interval_s * limit)
    return [r["snapshot"] for r in store.read("metrics/recent_snapshots", {"since": since.isoformat(), "limit": limit})]


def _event(action: str, alert_id: str, kind: str, partner: str | None, severity: str) -> EventDraft:
    return EventDraft(
        actor=ACTOR, action=action, resource_type="Alert", resource_id=alert_id, outcome=Outcome.SUCCESS,
        reason_code=kind.upper(), correlation_id=alert_id, partner_id=partner, details={"severity": severity.upper()},
    )  # fmt: skip


def _record(tx: TxRunner, findings: list[Finding], now: datetime) -> tuple[list[str], list[str]]:
    raised: list[str] = []
    for f in findings:
        alert = {"open_key": f.key, "alert_id": f"AL-{uuid.uuid4().hex[:20]}", "kind": f.kind.value,
                 "severity": f.severity.value, "partner_id": f.partner_id, "value": float(f.value),
                 "threshold": float(f.threshold), "summary": f.summary}  # fmt: skip
        row = tx.write("metrics/raise_alert", {"alert": alert, "at": now.isoformat()})[0]
        if row["created"]:
            raised.append(row["alert_id"])
            append(tx, _event("alert.raise", row["alert_id"], f.kind, f.partner_id, f.severity))
    resolved = tx.write("metrics/resolve_alerts", {"keep": [f.key for f in findings], "at": now.isoformat()})
    for r in resolved:
        append(tx, _event("alert.resolve", r["alert_id"], r["kind"], r["partner_id"], r["severity"]))
    return raised, [r["alert_id"] for r in resolved]


def run_round(store: GraphStore, now: datetime, interval_s: float, thresholds: Thresholds | None = None) -> Round:
    figures = read_figures(store, now)
    history = recent_snapshots(store, now, interval_s)
    written = store.write("metrics/record_snapshot", {"snapshot": snapshot_of(figures, now, interval_s)})[0]["created"]
    if not written:
        return Round(False)
    findings = evaluate(figures, history, thresholds or Thresholds())
    raised, resolved = store.in_write_transaction(lambda tx: _record(tx, findings, now))
    return Round(True, tuple(findings), tuple(raised), tuple(resolved))
