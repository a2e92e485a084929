"""Old payer side: the new payer tells us it received the member's history. Recorded once per
(partner, their transfer id) with an audit event; a repeat (a retry) changes nothing, and an
acknowledgment that contradicts the first one (another content hash) is refused."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from audit import clock
from audit.domain.events import EventDraft, Outcome
from audit.ledger import append
from exchange.fhir.errors import FhirInputError, Issue
from graph.store import GraphStore, TxRunner

_TOKEN = r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}"
MAX_UNSIGNED_INT = 2_147_483_647  # FHIR unsignedInt, what resourcesReceived is sent as


@dataclass(frozen=True)
class Acknowledgment:
    transfer_id: str
    member_key: str
    resources: int
    content_sha256: str
    status: str


def _invalid(diagnostics: str, status: int = 400, where: str = "Parameters") -> FhirInputError:
    return FhirInputError([Issue(where, diagnostics, "invalid" if status == 400 else "conflict")], status)


def parse(body: Any) -> Acknowledgment:
    if not isinstance(body, dict) or body.get("resourceType") != "Parameters":
        raise _invalid("the acknowledgment must be a FHIR Parameters resource")
    parameters = body.get("parameter") or []
    if not isinstance(parameters, list) or not all(isinstance(p, dict) and isinstance(p.get("name"), str)
                                                   for p in parameters):  # fmt: skip
        raise _invalid("parameter must be a list of parameters, each with a name", where="Parameters.parameter")
    values: dict[str, Any] = {}
    for p in parameters:
        if p["name"] in values:
            raise _invalid(f"the parameter {p['name']!r} is given more than once", where="Parameters.parameter")
        values[p["name"]] = next((v for k, v in p.items() if k.startswith("value")), None)
    transfer_id, member_key = values.get("transferId"), values.get("memberIdentifier")
    sha, resources, status = values.get("contentSha256"), values.get("resourcesReceived"), values.get("status")
    if not (isinstance(transfer_id, str) and re.fullmatch(_TOKEN, transfer_id)):
        raise _invalid("transferId (valueString, an id) is required")
    if not (isinstance(member_key, str) and re.fullmatch(_TOKEN, member_key)):
        raise _invalid("memberIdentifier (valueString) is required")
    if not (isinstance(sha, str) and re.fullmatch(r"[0-9a-f]{64}", sha)):
        raise _invalid("contentSha256 must be a sha256 hex digest")
    if not (isinstance(resources, int) and not isinstance(resources, bool) and 0 <= resources <= MAX_UNSIGNED_INT):
        raise _invalid(f"resourcesReceived must be a whole number from 0 to {MAX_UNSIGNED_INT} (unsignedInt)")
    if status not in ("received", "rejected"):
        raise _invalid("status must be received or rejected")
    return Acknowledgment(transfer_id, member_key, resources, sha, status)


def record(store: GraphStore, ack: Acknowledgment, *, partner_id: str, client_id: str, correlation_id: str) -> bool:
    """True when recorded now, False when it repeats one already recorded."""
    if not store.read("exchange/matched_patient", {"member_key": ack.member_key, "partner_id": partner_id}):
        issue = Issue(
            "Parameters.parameter.memberIdentifier", "no member of ours was matched to you under it", "not-found"
        )
        raise FhirInputError([issue], 404)
    row = {"ack_key": f"{partner_id}|{ack.transfer_id}", "partner_id": partner_id, "transfer_id": ack.transfer_id,
           "member_key": ack.member_key, "resources": ack.resources, "content_sha256": ack.content_sha256,
           "status": ack.status, "correlation_id": correlation_id, "received_at": clock.now().isoformat()}  # fmt: skip

    def work(tx: TxRunner) -> bool:
        result = tx.write("transfers/record_acknowledgment", {"ack": row})[0]
        if not result["created"]:
            if result["content_sha256"] != ack.content_sha256:
                raise _invalid("this transfer was already acknowledged with other content", 409)
            return False
        append(tx, EventDraft(
            actor=f"partner:{partner_id}", actor_client_id=client_id, action="transfer.acknowledgment_received",
            resource_type="Transfer", resource_id=ack.transfer_id, outcome=Outcome.SUCCESS,
            reason_code=f"DATA_{ack.status.upper()}", correlation_id=correlation_id, member_keys=(ack.member_key,),
            partner_id=partner_id, transfer_id=ack.transfer_id, details={"resources": ack.resources},
        ))  # fmt: skip
        return True

    return store.in_write_transaction(work)
