"""/audit over real HTTP, for operators only: a steward's decision is found by the correlation id
the steward sent, the chain verifies, the public key and a member's evidence are served."""

from __future__ import annotations

import httpx
import pytest

from audit.service import checkpoint
from graph.loading import load_run
from graph.store import GraphStore
from p2p.bootstrap import audit_keys
from p2p.settings import Settings
from tests.integration.graph.conftest import RunMaker, pair
from tests.integration.graph.test_loading import link_between, q
from tests.support.partners import bearer

pytestmark = pytest.mark.integration
CORRELATION = "audit-e2e-0001"


@pytest.fixture
def decided(store: GraphStore, make_run: RunMaker, http: httpx.Client, steward_token: str) -> str:
    """A run loaded and one candidate link confirmed by a steward; returns the member key."""
    load_run(store, make_run("run1", [pair("r4", "r5", "review", 5.0)]))
    link_id = link_between(store, "r4", "r5")["link_id"]
    response = http.post(f"/steward/links/{link_id}/confirm", json={"reason": "same card"},
                         headers={**bearer(steward_token), "X-Correlation-ID": CORRELATION, "Idempotency-Key": "audit-e2e-1"})  # fmt: skip
    assert response.status_code == 200
    rows = q(store, "MATCH (:SourceRecord {record_id: 'r4'})-[x:IN_MEMBER]->(m) WHERE x.until IS NULL "
                    "RETURN m.member_key AS k")  # fmt: skip
    return str(rows[0]["k"])


def test_operators_find_a_stewards_decision_by_its_correlation_id(
    decided: str, http: httpx.Client, operator_token: str
) -> None:
    found = http.get("/audit/events", params={"correlation_id": CORRELATION}, headers=bearer(operator_token)).json()
    assert [(e["action"], e["actor"], e["outcome"]) for e in found["events"]] == [
        ("link.confirm", "steward:ana", "success")
    ]
    assert decided in found["events"][0]["member_keys"]
    by_member = http.get("/audit/events", params={"member": decided}, headers=bearer(operator_token)).json()
    assert any(e["correlation_id"] == CORRELATION for e in by_member["events"])


def test_operators_verify_the_chain_and_read_the_public_key_and_evidence(
    decided: str, http: httpx.Client, operator_token: str, store: GraphStore, settings: Settings
) -> None:
    headers = bearer(operator_token)
    verified = http.get("/audit/verify", headers=headers).json()
    assert verified["ok"] is True and verified["events"] >= 2 and verified["first_problem"] is None
    public = http.get("/audit/public-key", headers=headers)
    if public.status_code == 404:  # no checkpoint signed yet in this data dir: a clear 404, not a 500
        assert "p2p audit checkpoint" in public.json()["issue"][0]["diagnostics"]
        checkpoint(store, audit_keys(settings))
        public = http.get("/audit/public-key", headers=headers)
    assert "BEGIN PUBLIC KEY" in public.text
    packet = http.get(f"/audit/evidence/members/{decided}", headers=headers).json()
    assert packet["subject_id"] == decided and packet["verified"] is True
    page = http.get(f"/audit/evidence/members/{decided}", params={"format": "html"}, headers=headers)
    assert page.status_code == 200 and "<html" in page.text.lower()
    unknown = http.get("/audit/evidence/members/M-nobody", headers=headers)  # not an empty 'verified' packet
    assert unknown.status_code == 404 and unknown.json()["issue"][0]["code"] == "not-found"


def test_only_operators_may_read_the_ledger_and_a_search_needs_a_criterion(
    decided: str, http: httpx.Client, operator_token: str, steward_token: str, token_a: str
) -> None:
    for token in (steward_token, token_a):
        assert http.get("/audit/events", params={"member": decided}, headers=bearer(token)).status_code == 403
    assert http.get("/audit/events", params={"member": decided}).status_code == 401
    empty = http.get("/audit/events", headers=bearer(operator_token))
    assert empty.status_code == 400 and empty.json()["resourceType"] == "OperationOutcome"
    bad_date = http.get("/audit/events", params={"since": "last tuesday"}, headers=bearer(operator_token))
    assert bad_date.status_code == 400
    injected = http.get("/audit/events", params={"member": "x' OR 1=1"}, headers=bearer(operator_token))
    assert injected.status_code == 400


def test_a_seq_beyond_what_neo4j_can_hold_is_refused(http: httpx.Client, operator_token: str) -> None:
    """Found by the reliability suite's schemathesis run with an operator's token: a 500 before."""
    beyond = http.get("/audit/events", params={"case": "c1", "after": 2**80}, headers=bearer(operator_token))
    assert beyond.status_code == 400 and beyond.json()["resourceType"] == "OperationOutcome"
    last = http.get("/audit/events", params={"case": "c1", "after": 2**63 - 1}, headers=bearer(operator_token))
    assert last.status_code == 200 and last.json()["events"] == []
