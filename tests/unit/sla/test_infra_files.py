"""The shipped Prometheus alert rules and Grafana dashboard parse, and every metric they use is one we expose."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from prometheus_client import CollectorRegistry

from api.metrics import RequestMetrics
from exchange.domain.sla import Figures, StepFigures
from exchange.sla.prometheus import SlaCollector

ROOT = Path(__file__).resolve().parents[3]
NAME = re.compile(r"\b(p2p_[a-z_]+)")


def exposed_names() -> set[str]:
    f = Figures(bounds_ms=(100.0,))
    p = f.partner("payer-a")
    p.states["completed"], p.took_p50_s, p.took_p95_s = 1, 1.0, 2.0
    p.decisions["unique_match"], p.rejections["received_data_invalid"] = 1, 1
    p.steps["member_match"] = StepFigures(attempts=1, buckets=(1,))
    registry = CollectorRegistry()
    registry.register(SlaCollector(lambda: f))
    metrics = RequestMetrics.build(registry)
    metrics.requests.labels("/x", "GET", "200").inc()
    metrics.latency.labels("/x", "GET").observe(0.1)
    metrics.duplicates.labels("/x", "POST", "replay").inc()
    return {s.name for family in registry.collect() for s in family.samples}


def test_prometheus_rules_parse_and_use_only_exposed_metrics() -> None:
    rules = yaml.safe_load((ROOT / "infra/prometheus/alerts.yml").read_text())
    exprs = [r["expr"] for g in rules["groups"] for r in g["rules"]]
    assert exprs and all(
        r["labels"]["severity"] in {"warning", "critical"} for g in rules["groups"] for r in g["rules"]
    )
    used = {m for e in exprs for m in NAME.findall(e)}
    assert used <= exposed_names(), used - exposed_names()


def test_grafana_dashboard_is_json_whose_panels_use_exposed_metrics() -> None:
    board = json.loads((ROOT / "infra/grafana/dashboard.json").read_text())
    exprs = [t["expr"] for p in board["panels"] for t in p["targets"]]
    used = {m for e in exprs for m in NAME.findall(e)}
    assert len(board["panels"]) >= 10 and used <= exposed_names(), used - exposed_names()
