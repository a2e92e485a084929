"""FHIR export of the ledger: one event as an ``AuditEvent``, or everything under a
correlation id as a Bundle of ``AuditEvent`` resources plus a ``Provenance`` for each data
file received from a partner in the transfers those events name."""

from __future__ import annotations

from typing import Any

from audit.domain.fhir_audit import audit_event, bundle, provenance
from audit.search import Criteria, all_events, with_integrity
from graph.store import GraphStore


def event_resource(store: GraphStore, seq: int, payer_id: str) -> dict[str, Any] | None:
    rows = store.read("audit/events_between", {"after": seq - 1, "until": seq})
    return audit_event(with_integrity(rows[0]["event"]), payer_id) if rows else None


def correlation_bundle(store: GraphStore, correlation_id: str, payer_id: str) -> dict[str, Any] | None:
    events = all_events(store, [Criteria(correlation_id=correlation_id)])
    if not events:
        return None
    transfers = sorted({str(e["transfer_id"]) for e in events if e.get("transfer_id")})
    received = [row["received"] for t in transfers
                for row in store.read("member_data/received_data_of_transfer", {"transfer_id": t})]  # fmt: skip
    return bundle([*(audit_event(e, payer_id) for e in events), *(provenance(r) for r in received)])
