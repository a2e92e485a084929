"""Ledger events as FHIR AuditEvent (IHE BALP where it fits) and received data as Provenance,
validated with the fhir.resources models (R4B: R4's AuditEvent and Provenance shapes)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fhir.resources.R4B.auditevent import AuditEvent
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.provenance import Provenance

from audit.domain.canonical import GENESIS_HASH
from audit.domain.chain import stored_fields
from audit.domain.events import Outcome, seal
from audit.domain.fhir_audit import BALP_ENTITY, DCM, audit_event, bundle, provenance
from audit.domain.retention import archivable, retention_cutoff
from tests.unit.audit.factories import T0, draft


def ledger_event(**changes: Any) -> dict[str, Any]:
    sealed = seal(draft(**changes), seq=7, event_id="ab" * 16, occurred_at=T0, prev_hash=GENESIS_HASH)
    return stored_fields(sealed.stored())


RELEASE = ledger_event(actor="partner:payer-b", actor_client_id="_x-1", action="member_data.release",
                       resource_type="Patient", resource_id="M-1", reason_code="RELEASED", correlation_id="corr-9",
                       transfer_id="T-1", request_sha256="a" * 64, details={"resources": 3})  # fmt: skip
RECEIVED = {"sha256": "c" * 64, "transfer_id": "T-1", "source_partner": "payer-a", "resource_type": "Encounter",
            "resource_count": 3, "received_at": "2026-03-01T09:00:00+00:00", "member_key": "M-1"}  # fmt: skip


def test_a_release_is_a_balp_export_with_the_patient_the_partner_and_the_correlation_id() -> None:
    resource = audit_event(RELEASE, "payer-a")
    validated = AuditEvent.model_validate(resource)
    assert validated.type.code == "110106" and validated.type.system == DCM and validated.action == "R"
    assert validated.outcome == "0" and validated.recorded.isoformat().startswith("2026-03-01T09:00:00")
    actor = resource["agent"][0]
    assert actor["who"]["identifier"]["value"] == "partner:payer-b" and actor["requestor"] and actor["altId"] == "_x-1"
    assert len(resource["agent"]) == 1  # the partner is the actor: not listed twice
    whats = [e["what"] for e in resource["entity"]]
    assert {"reference": "Patient/M-1"} in whats
    assert any(e["type"]["system"] == BALP_ENTITY and e["what"]["identifier"]["value"] == "corr-9"
               for e in resource["entity"])  # fmt: skip
    ledger = resource["entity"][-1]
    assert ledger["what"]["identifier"]["value"] == "7" and ledger["detail"][0]["valueString"] == RELEASE["hash"]


@pytest.mark.parametrize(("outcome", "code"), [(Outcome.REFUSED, "4"), (Outcome.FAILED, "8")])
def test_refusals_and_failures_map_to_the_fhir_outcome_codes(outcome: Outcome, code: str) -> None:
    event = ledger_event(actor="service:worker-1", action="transfer.attempt", outcome=outcome, partner_id="payer-a",
                         reason_code="HTTP_503", transfer_id="T-1")  # fmt: skip
    resource = AuditEvent.model_validate(audit_event(event, "payer-b"))
    assert resource.outcome == code and resource.outcomeDesc == "HTTP_503" and resource.action == "E"
    assert [a.requestor for a in resource.agent] == [True, False]  # the worker asked; payer A is concerned


def test_received_data_has_provenance_the_transmitting_payer_and_the_transfer() -> None:
    resource = Provenance.model_validate(provenance(RECEIVED))
    assert resource.target[0].identifier.value == "c" * 64 and resource.target[1].reference == "Patient/M-1"
    assert (
        resource.agent[0].who.identifier.value == "payer-a" and resource.agent[0].type.coding[0].code == "transmitter"
    )
    assert resource.entity[0].role == "source" and resource.entity[0].what.identifier.value == "T-1"


def test_the_bundle_validates_and_has_one_entry_per_resource() -> None:
    made = bundle([audit_event(RELEASE, "payer-a"), provenance(RECEIVED)])
    validated = Bundle.model_validate(made)
    assert validated.type == "collection" and [e.resource.__resource_type__ for e in validated.entry] == [
        "AuditEvent", "Provenance"]  # fmt: skip
    assert len({e.fullUrl for e in validated.entry}) == 2


def test_retention_counts_calendar_years() -> None:
    now = datetime(2032, 2, 29, 12, tzinfo=UTC)
    assert retention_cutoff(now, 6) == datetime(2026, 2, 28, 12, tzinfo=UTC)
    assert archivable(datetime(2026, 1, 1, tzinfo=UTC), now, 6)
    assert not archivable(datetime(2027, 1, 1, tzinfo=UTC), now, 6)
