"""Transfer evidence packets over real HTTP on both payers: the new payer's packet tells the
transfer's journey (every attempt and retry with its error class, the disposition) and the
previous payer's packet, found by our transfer id through the acknowledgment, shows the
identity decision with its explanation and model version; both prove their events are in
the verified chain. Operators only; the CLI writes the same packet by correlation id."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest
from fhir.resources.R4B.auditevent import AuditEvent
from fhir.resources.R4B.bundle import Bundle
from typer.testing import CliRunner

from audit.service import checkpoint
from graph.store import GraphStore
from matching.linkage import jobs
from p2p.bootstrap import audit_keys
from p2p.cli.main import app
from p2p.settings import Settings
from security.principal import Role
from tests.e2e.transfers.test_transfer_workflow import HAPPY, run_until_finished, submit
from tests.support.partners import bearer, person_token
from tests.support.two_payers import PEOPLE, two_payers

pytestmark = pytest.mark.integration
FAULTS = {"faults": "503=0.5,429=0.3", "faults_seed": 11, "faults_retry_after_s": 0}


def sections(packet: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    return {s["key"]: s["rows"] for s in packet["sections"]}


def test_both_payers_explain_a_retried_transfer_and_prove_it(
    graphs: tuple[GraphStore, GraphStore], settings_a: Settings, settings_b: Settings,
    trained_model: jobs.TrainResult, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
) -> None:  # fmt: skip
    with two_payers(settings_a, settings_b, *graphs, trained_model, a_overrides=FAULTS) as t:
        sent = submit(t, t.transfer_request(PEOPLE[2], "ENR-EV-1"), **{"X-Correlation-ID": "corr-evidence-0001"})
        transfer_id = sent.json()["transfer_id"]
        run_until_finished(t, [transfer_id], transfer_max_attempts=12)
        checkpoint(t.store_b, audit_keys(t.b))  # B's events chain to a signed checkpoint; A's to its head
        headers = bearer(person_token(t.b, Role.OPERATOR, "olu"))
        at_b = httpx.get(f"{t.url_b}/audit/evidence/transfers/{transfer_id}", headers=headers, timeout=30)
        assert at_b.status_code == 200, at_b.text
        b = at_b.json()
        assert (b["subject_type"], b["subject_id"], b["verified"]) == ("transfer", transfer_id, True)
        rows = sections(b)
        moves = [r["state_move"].split(" -> ")[-1] for r in rows["timeline"] if r["state_move"]]
        assert moves == HAPPY and rows["timeline"][0]["action"] == "transfer.received"
        attempts = rows["attempts"]
        retried = [a for a in attempts if a["retry"]]
        assert retried, "the faults were meant to force retries"
        assert {a["error_class"] for a in attempts if a["outcome"] == "failed"} == {"HTTP_STATUS"}
        assert {a["status_code"] for a in attempts if a["outcome"] == "failed"} <= {503, 429}
        assert [a["step"] for a in attempts if a["outcome"] == "success"] == [
            "member_match",
            "fetch_data",
            "acknowledge",
        ]
        assert all(isinstance(a["latency_ms"], int) for a in attempts)
        matched = next(r for r in rows["identity_decision"] if r["reason"] == "MATCHED")
        assert matched["member_key"]  # the previous payer's member key, from our transfer record
        assert [r["reason_code"] for r in rows["consent_checks"]] == ["CONSENT_REGULAR_HONOURED"]
        assert "member_data.ingest" in [r["action"] for r in rows["acknowledgments"]]
        assert rows["disposition"] == [{"source": "transfer record", "state": "completed", "owner": "none",
                                        "reason": "acknowledged", "at": rows["disposition"][0]["at"]}]  # fmt: skip
        assert all(r["verified"] and r["chains_to"].startswith("checkpoint seq") for r in rows["chain_proof"])
        assert len(rows["chain_proof"]) == len(rows["timeline"])

        at_a = httpx.get(f"{t.url_a}/audit/evidence/transfers/{transfer_id}", timeout=30,
                         headers=bearer(person_token(t.a, Role.OPERATOR, "olu"))).json()  # fmt: skip
        a_rows = sections(at_a)
        decision = next(r for r in a_rows["identity_decision"] if r["source"] == "match decision recorded here")
        assert decision["outcome"] == "unique_match" and decision["model_version"]
        assert decision["member_key"] in {r["member_key"] for r in a_rows["identity_explanation"]}
        assert all(r["contributions"] for r in a_rows["identity_explanation"])
        assert [r["policy"] for r in a_rows["consent_checks"] if r["seq"] is None] == ["regular"]
        acked = [r["action"] for r in a_rows["acknowledgments"]]
        assert "member_data.release" in acked and acked[-1] == "transfer.acknowledgment_received"
        assert at_a["verified"] is True

        page = httpx.get(f"{t.url_b}/audit/evidence/transfers/{transfer_id}", params={"format": "html"},
                         headers=headers, timeout=30)  # fmt: skip
        assert page.status_code == 200 and "Delivery attempts and retries" in page.text and "<script" not in page.text
        unknown = httpx.get(f"{t.url_b}/audit/evidence/transfers/no-such-transfer", headers=headers, timeout=30)
        assert unknown.status_code == 404 and unknown.json()["resourceType"] == "OperationOutcome"
        forbidden = httpx.get(f"{t.url_b}/audit/evidence/transfers/{transfer_id}", timeout=30,
                              headers=bearer(t.enrollment_token))  # fmt: skip
        assert forbidden.status_code == 403

        fhir = httpx.get(f"{t.url_b}/audit/fhir", params={"correlation_id": "corr-evidence-0001"}, headers=headers,
                         timeout=30)  # fmt: skip
        assert fhir.status_code == 200 and fhir.headers["content-type"].startswith("application/fhir+json")
        exported = Bundle.model_validate(fhir.json())
        kinds = Counter(e.resource.__resource_type__ for e in exported.entry)
        assert kinds["AuditEvent"] == len(rows["timeline"]) and kinds["Provenance"] >= 1
        prov = next(e.resource for e in exported.entry if e.resource.__resource_type__ == "Provenance")
        assert prov.agent[0].who.identifier.value == "payer-a" and prov.entity[0].what.identifier.value == transfer_id
        first_seq = rows["timeline"][0]["seq"]
        one = httpx.get(f"{t.url_b}/audit/events/{first_seq}/fhir", headers=headers, timeout=30)
        assert AuditEvent.model_validate(one.json()).subtype[0].code == "transfer.received"
        assert httpx.get(f"{t.url_b}/audit/events/999999/fhir", headers=headers, timeout=30).status_code == 404

        monkeypatch.setenv("P2P_DATA_DIR", str(t.a.data_dir))  # the CLI on payer A's database (the test Neo4j)
        result = CliRunner().invoke(app, ["audit", "evidence", "--correlation-id", "corr-evidence-0001",
                                          "--out", str(tmp_path)])  # fmt: skip
        assert result.exit_code == 0, result.output
        written = json.loads((tmp_path / "evidence-correlation-corr-evidence-0001.json").read_text())
        assert written["verified"] and sections(written)["timeline"][0]["action"] == "member_match.decide"
        exported_a = CliRunner().invoke(app, ["audit", "export", "--fhir", "--correlation-id", "corr-evidence-0001",
                                              "--out", str(tmp_path / "a.json")])  # fmt: skip
        assert exported_a.exit_code == 0, exported_a.output
        bundle_a = Bundle.model_validate_json((tmp_path / "a.json").read_text())
        assert bundle_a.entry[0].resource.subtype[0].code == "member_match.decide"
        refused = CliRunner().invoke(app, ["audit", "evidence", "--transfer", "x", "--member", "y", "--out", "z"])
        assert refused.exit_code == 1 and "exactly one of" in refused.output
