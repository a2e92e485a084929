"""The demo's exchange step: our API answers payer switches away from payer-a over real HTTP.

payer-a's API runs on a loopback port; payer-b and payer-c are registered as partners with
fresh keys, get SMART Backend Services tokens, and send the generator's payer-switch
``$member-match`` requests (with the members' consents). The step returns what was answered.
"""

from __future__ import annotations

import json
import statistics
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import httpx
import pyarrow.parquet as pq
import uvicorn

from api.app import create_app
from graph.store import GraphStore
from p2p.settings import Settings
from security import partners, registry
from security.client import SmartClient
from security.domain.lifecycle import PartnerStatus
from security.domain.partner import Approval
from security.keys import SigningKey, generate_private_key
from synthetic.switch_requests import payer_identifier, switch_request

US = "payer-a"
APPROVAL = Approval("operator:demo", "DEMO-ONBOARDING")
SCOPES = ["system/Patient.member-match", "system/Patient.read"]


@dataclass
class ExchangeFigures:
    requests: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    latencies_ms: list[float] = field(default_factory=list)
    example_decision: str | None = None
    example_correlation: str | None = None
    url: str = ""

    @property
    def p95_ms(self) -> float:
        return statistics.quantiles(self.latencies_ms, n=20)[18] if len(self.latencies_ms) > 1 else 0.0


def payer_a_settings(settings: Settings, root: Path, port: int) -> Settings:
    system, value = payer_identifier(US)
    return settings.model_copy(update={
        "payer_id": US, "payer_identifiers": [f"{system}|{value}"], "data_dir": root, "api_port": port,
        "fhir_base_url": f"http://127.0.0.1:{port}/fhir",
    })  # fmt: skip


def partner_with_fresh_key(store: GraphStore, partner_id: str) -> tuple[str, SigningKey]:
    """A generated payer registered as an active partner (its NPI-like identifier from the
    generator) with a fresh key; a previous run's key is rotated out. Returns its client id
    and key. For the demo and the benchmarks, which play the partners themselves."""
    key = SigningKey(generate_private_key())
    return register_or_rotate(store, partner_id, key, SCOPES, partner_id), key


def register_or_rotate(store: GraphStore, partner_id: str, key: SigningKey, scopes: list[str], payer: str) -> str:
    """``partner_id`` active with ``key`` (registered, or its previous keys rotated out at once),
    identified as the generated ``payer``; returns its client id."""
    keys = partners.key_set({"keys": [key.jwk]}, None, ())
    known = registry.by_id(store, partner_id)
    if known is not None:
        partners.rotate_key(store, partner_id, keys, timedelta(0), APPROVAL)
        return known.client_id
    system, value = payer_identifier(payer)
    created = partners.register(store, partner_id=partner_id, name=f"Demo {partner_id}", scopes=scopes,
                                identifiers=[f"{system}|{value}"], keys=keys, approval=APPROVAL)  # fmt: skip
    partners.set_status(store, partner_id, PartnerStatus.ACTIVE, APPROVAL)
    return created.client_id


@contextmanager
def serving(settings: Settings) -> Iterator[str]:
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=settings.api_port,
                                           log_level="warning"))  # fmt: skip
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the API did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{settings.api_port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def run_switches(store: GraphStore, settings: Settings, population: Path, limit: int) -> ExchangeFigures:
    switches = [s for s in pq.read_table(population / "switches.parquet").to_pylist() if s["old_payer_id"] == US]
    switches = switches[:limit]
    figures = ExchangeFigures()
    with serving(settings) as base, httpx.Client(base_url=base, timeout=30) as http:
        figures.url = base
        clients = {}
        for partner_id in sorted({s["new_payer_id"] for s in switches}):
            client_id, key = partner_with_fresh_key(store, partner_id)
            clients[partner_id] = SmartClient(http, key, token_url=f"{base}/auth/token", client_id=client_id,
                                              scope=" ".join(SCOPES))  # fmt: skip
        for switch in switches:
            correlation = f"demo-{switch['switch_id']}"
            headers = {"Content-Type": "application/fhir+json", "X-Correlation-ID": correlation,
                       **clients[switch["new_payer_id"]].auth_headers()}  # fmt: skip
            started = time.perf_counter()
            response = http.post("/fhir/Patient/$member-match", content=json.dumps(switch_request(switch)),
                                 headers=headers)  # fmt: skip
            figures.latencies_ms.append((time.perf_counter() - started) * 1000)
            figures.requests += 1
            figures.outcomes[_outcome(response)] += 1
            if response.status_code == 200 and figures.example_decision is None:
                figures.example_decision = response.headers.get("X-Decision-ID")
                figures.example_correlation = correlation
    return figures


def _outcome(response: httpx.Response) -> str:
    if response.status_code == 200:
        return "200 unique match"
    issue = response.json().get("issue", [{}])[0]
    codes = issue.get("details", {}).get("coding", [])
    return f"{response.status_code} {codes[0]['code'] if codes else issue.get('code', '?')}"
