"""The SLA figures read from the graph at scrape time: five read queries (transfers by state,
completions, delivery attempts, our match decisions, our data releases) plus the outbox lag,
cached for a few seconds so that frequent scrapes and dashboard refreshes stay cheap."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from exchange.domain.sla import Figures, StepFigures
from graph.store import GraphStore

# Partner-call latency histogram bounds (ms): from a fast local answer to the outbound timeout.
BOUNDS_MS = (50.0, 100.0, 250.0, 500.0, 1000.0, 2500.0, 5000.0, 10000.0, 30000.0)
RECENT_DECISIONS = timedelta(hours=1)  # the match-rate window alerts look at
BASELINE_DECISIONS = timedelta(hours=24)  # ... against the day before it
RECENT_ATTEMPTS = timedelta(minutes=15)  # the timeout-spike window
RECENT_BREACHES = timedelta(hours=24)  # SLA breaches alerted on


def _audit_stamp(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")  # the ledger's own spelling of a moment


def read_figures(store: GraphStore, now: datetime) -> Figures:
    f = Figures(bounds_ms=BOUNDS_MS)
    for r in store.read("metrics/transfer_figures", {"now": now.isoformat(),
                                                      "since": (now - RECENT_BREACHES).isoformat()}):  # fmt: skip
        p = f.partner(r["partner"])
        p.states[r["state"]] += r["transfers"]
        p.oldest_age_s[r["state"]] = max(p.oldest_age_s.get(r["state"], 0.0), float(r["oldest_age_s"]))
        if r["reason"]:
            p.rejections[r["reason"]] += r["transfers"]
        p.request_late += r["late"]
        p.recent_request_late += r["recent_late"]
    for r in store.read("metrics/completion_figures", {}):
        p = f.partner(r["partner"])
        p.completed, p.first_pass, p.took_sum_s = r["completed"], r["first_pass"], float(r["took_sum_s"])
        p.took_p50_s, p.took_p95_s = r["took_p50_s"], r["took_p95_s"]
    params = {"bounds_ms": list(BOUNDS_MS), "recent_since": (now - RECENT_ATTEMPTS).isoformat()}
    for r in store.read("metrics/attempt_figures", params):
        f.partner(r["partner"]).steps[r["step"]] = StepFigures(
            attempts=r["attempts"], retries=r["retries"], failures=r["failures"], timeouts=r["timeouts"],
            recent_attempts=r["recent_attempts"], recent_timeouts=r["recent_timeouts"],
            latency_ms_sum=float(r["latency_ms_sum"]), buckets=tuple(r["buckets"]),
        )  # fmt: skip
    params = {"recent_since": (now - RECENT_DECISIONS).isoformat(),
              "baseline_since": (now - RECENT_DECISIONS - BASELINE_DECISIONS).isoformat()}  # fmt: skip
    for r in store.read("metrics/decision_figures", params):
        p = f.partner(r["partner"])
        p.decisions[r["outcome"]] += r["decisions"]
        p.recent_decisions[r["outcome"]] += r["recent"]
        p.baseline_decisions[r["outcome"]] += r["baseline"]
    for r in store.read("metrics/release_figures", {"since": _audit_stamp(now - RECENT_BREACHES)}):
        p = f.partner(r["partner"])
        p.releases, p.releases_late, p.recent_releases_late = r["releases"], r["late"], r["recent_late"]
    lag = store.read("metrics/outbox_lag", {"now": now.isoformat()})[0]
    f.outbox_due, f.outbox_lag_s = lag["due"], float(lag["lag_s"])
    return f


class CachedFigures:
    """``get()`` reads the figures at most once per ``ttl_s`` (one reader at a time; the others wait for it)."""

    def __init__(self, store: GraphStore, now: Callable[[], datetime], ttl_s: float) -> None:
        self._store, self._now, self._ttl = store, now, ttl_s
        self._lock = threading.Lock()
        self._taken: float | None = None
        self._figures = Figures()

    def get(self) -> Figures:
        with self._lock:
            if self._taken is None or time.monotonic() - self._taken >= self._ttl:
                self._figures = read_figures(self._store, self._now())
                self._taken = time.monotonic()
            return self._figures
