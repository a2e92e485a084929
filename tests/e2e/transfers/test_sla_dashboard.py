"""SLA monitoring after a scripted two-payer scenario, over real HTTP and in a real headless
Chromium: payer B asks payer A for three members' histories (one while A is unreachable, so it
dead-letters; one requested late), an enrollment retry and a replayed request are suppressed,
and the SLA job takes snapshots and raises alerts. /metrics, the operator API, the alerts and
the dashboard page must all tell the same story."""

from __future__ import annotations

import shutil
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, sync_playwright
from prometheus_client.parser import text_string_to_metric_families

from audit.search import Criteria
from audit.service import search_events
from exchange.sla.monitor import run_round
from exchange.transfers import partners as endpoints
from security.principal import Role
from tests.e2e.transfers.test_transfer_workflow import _closed_port, run_until_finished, submit
from tests.support.partners import bearer, person_token
from tests.support.two_payers import PEOPLE, TODAY, TwoPayers

pytestmark = pytest.mark.integration
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip


def scenario(t: TwoPayers) -> None:
    real = endpoints.endpoint(t.store_b, "payer-a")
    endpoints.set_endpoint(t.store_b, "payer-a", fhir_base_url=f"http://127.0.0.1:{_closed_port()}/fhir",
                           token_url=real.token_url, client_id=real.client_id)  # fmt: skip
    dead = submit(t, t.transfer_request(PEOPLE[3], "ENR-SLA-3")).json()["transfer_id"]
    run_until_finished(t, [dead])
    endpoints.set_endpoint(t.store_b, "payer-a", fhir_base_url=real.fhir_base_url, token_url=real.token_url,
                           client_id=real.client_id)  # fmt: skip
    start = datetime.now(UTC)
    assert run_round(t.store_b, start, 60).snapshot_written

    month_ago = (TODAY - timedelta(days=30)).isoformat()
    late = t.transfer_request(PEOPLE[1], "ENR-SLA-1", new_coverage={"member_id": "B20001", "start": month_ago})
    late["consent"]["start"] = month_ago
    first, key = t.transfer_request(PEOPLE[0], "ENR-SLA-0"), uuid.uuid4().hex
    ids = [submit(t, first, key).json()["transfer_id"], submit(t, late).json()["transfer_id"]]
    assert submit(t, first, key).headers.get("Idempotent-Replayed") == "true"  # the same request again
    assert submit(t, first).headers.get("X-Existing-Transfer") == "true"  # a retry with a new key
    run_until_finished(t, ids)
    assert run_round(t.store_b, start + timedelta(seconds=60), 60).snapshot_written


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {(s.name, frozenset(s.labels.items())): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}  # fmt: skip


def value(metrics: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str) -> float:
    return sum(v for (n, ls), v in metrics.items() if n == name and set(labels.items()) <= ls)


def open_dashboard(page: Page, url: str, token: str) -> None:
    page.goto(f"{url}/dashboard")
    assert page.locator("#login").is_visible() and not page.locator("#board").is_visible()
    page.fill("#token", token)
    page.click("#login button[type=submit]")
    page.wait_for_selector("body[data-loaded=true]", timeout=15000)


def figure(page: Page, name: str) -> str:
    return page.locator(f"[data-figure={name}]").get_attribute("data-value") or ""


def test_the_dashboard_metrics_and_alerts_agree_after_a_two_payer_scenario(payers: TwoPayers) -> None:
    scenario(payers)
    operator = bearer(person_token(payers.b, Role.OPERATOR, "olu"))
    with httpx.Client(base_url=payers.url_b, timeout=30, headers=operator) as http:
        assert httpx.get(f"{payers.url_b}/metrics", timeout=30).status_code == 401
        metrics = samples(http.get("/metrics").text)
        dead_letters = http.get("/operations/transfers", params={"state": "dead_lettered"}).json()["transfers"]
        completed = http.get("/operations/transfers", params={"state": "completed"}).json()["transfers"]
        sla: dict[str, Any] = http.get("/operations/sla").json()
        alerts = http.get("/operations/alerts", params={"status": "open"}).json()["alerts"]

    assert value(metrics, "p2p_dead_letters", partner="payer-a") == len(dead_letters) == 1
    assert value(metrics, "p2p_transfers_completed_total", partner="payer-a") == len(completed) == 2
    assert value(metrics, "p2p_transfers_requested_total", partner="payer-a") == 3
    assert value(metrics, "p2p_duplicates_suppressed_total", operation="/transfers", kind="replay") == 1
    assert value(metrics, "p2p_duplicates_suppressed_total", operation="/transfers", kind="business_intent") == 1
    assert value(metrics, "p2p_delivery_retries_total", partner="payer-a") == payers.b.transfer_max_attempts - 1
    assert value(metrics, "p2p_partner_call_duration_seconds_count", partner="payer-a") > 0
    assert value(metrics, "p2p_http_request_duration_seconds_count", operation="/transfers", method="POST") == 5
    assert value(metrics, "p2p_transfers_request_late_total", partner="payer-a") == 1
    assert sla["current"]["dead_letters"] == 1 and sla["current"]["completed"] == 2 and sla["snapshots"] == 2

    assert [(a["kind"], a["partner_id"], a["severity"]) for a in alerts] == [
        ("sla_breach_late_requests", "payer-a", "warning")
    ]
    raised = [e for e in search_events(payers.store_b, Criteria(partner_id="payer-a")).events
              if e["action"] == "alert.raise"]  # fmt: skip
    assert [e["resource_id"] for e in raised] == [alerts[0]["alert_id"]]

    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        pytest.fail("Debian's chromium is needed for the dashboard test: `make setup` installs it (as root)")
    token = person_token(payers.b, Role.OPERATOR, "olu")
    with sync_playwright() as pw:
        # Playwright gives each launch a fresh, empty profile of its own (the --user-data-dir the flags call for).
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page()
            open_dashboard(page, payers.url_b, token)
            assert page.locator("svg.chart").count() == 4
            for chart in ("completion", "dead_letters", "latency"):
                points = page.locator(f"[data-chart={chart}] svg").get_attribute("data-points")
                assert int(points or 0) >= 1, chart
            assert figure(page, "dead_letters") == str(len(dead_letters))
            assert figure(page, "completed") == str(len(completed))
            assert figure(page, "transfers") == "3"
            assert float(figure(page, "completion_rate")) == sla["current"]["completion_rate"] == 1.0
            row = page.locator("#scorecards tr[data-partner=payer-a]")
            assert row.locator("[data-field=dead_letters]").inner_text() == "1"
            assert page.locator("#alerts li[data-kind=sla_breach_late_requests]").count() == 1
            assert (
                page.locator("#dead-letter-link").get_attribute("href") == "/operations/transfers?state=dead_lettered"
            )
        finally:
            browser.close()
