"""``POST /transfers``: accept an enrollment system's request to pull a new member's history.

One transaction creates the transfer in ``received``, its audit event and its first outbox
message; workers do the rest. A request for a business intent already known (same previous
payer, member and source request id) returns the first transfer instead of a second one.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from neo4j.exceptions import ConstraintError

from audit import clock
from audit.domain.events import EventDraft, Outcome
from audit.ledger import append
from exchange.domain.transfer import Owner, Step, TransferState
from exchange.domain.transfer_rules import Intent, request_due_by
from exchange.transfers import partners, repository
from exchange.transfers.contract import TransferRequest
from graph.store import GraphStore, TxRunner


class TransferRefused(Exception):
    """The request names something we cannot act on; nothing was written."""

    def __init__(self, reason: str, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.reason, self.status = reason, status


@dataclass(frozen=True)
class Initiated:
    transfer_id: str
    created: bool  # False: the intent was already known and this is the first transfer


def initiate(
    store: GraphStore, payer_id: str, request: TransferRequest, *, correlation_id: str, actor: str, client_id: str
) -> Initiated:
    intent = Intent(request.previous_payer, payer_id, request.member_key, request.source_request_id)
    known = store.read("transfers/transfer_by_intent", {"intent_key": intent.key})
    if known:
        return Initiated(known[0]["transfer_id"], created=False)
    try:
        partners.endpoint(store, request.previous_payer)
    except partners.PartnerUnavailable as exc:
        raise TransferRefused(exc.reason, str(exc)) from None
    if request.previous_payer == payer_id:
        raise TransferRefused("previous_payer_is_us", "the previous payer is this payer")
    now = clock.now()
    opted_in = request.consent.opted_in_on or request.consent.start
    transfer_id = f"T-{uuid.uuid4().hex[:20]}"
    transfer: dict[str, object] = {
        "transfer_id": transfer_id, "intent_key": intent.key, "role": "requester",
        "state": TransferState.RECEIVED.value, "owner": Owner.SERVICE.value, "reason": "received",
        "member_key": request.member_key, "partner_id": request.previous_payer, "correlation_id": correlation_id,
        "client_id": client_id, "actor": actor, "request_json": request.model_dump_json(),
        "request_due_by": request_due_by(request.new_coverage.start, opted_in).isoformat(),
        "created_at": repository.stamp(now), "generation": 0,
    }  # fmt: skip
    history = {"from_state": None, "to_state": "received", "owner": "service", "reason": "received", "actor": actor,
               "at": repository.stamp(now), "seq": 1}  # fmt: skip

    def work(tx: TxRunner) -> bool:
        if not tx.write("transfers/create_transfer", {"transfer": transfer, "history": history}):
            return False
        repository.schedule_in(tx, {**transfer, "version": 1}, Step.CHECK_IDENTITY, now)
        append(tx, EventDraft(
            actor=actor, actor_client_id=client_id, action="transfer.received", resource_type="Transfer",
            resource_id=transfer_id, outcome=Outcome.SUCCESS, reason_code="RECEIVED",
            correlation_id=correlation_id, member_keys=(request.member_key,), partner_id=request.previous_payer,
            transfer_id=transfer_id, details={"to_transfer_state": "RECEIVED", "owner": "SERVICE"},
        ))  # fmt: skip
        return True

    try:
        created = store.in_write_transaction(work)
    except ConstraintError:  # the same intent, submitted concurrently: the first one won
        first = store.read("transfers/transfer_by_intent", {"intent_key": intent.key})
        return Initiated(first[0]["transfer_id"], created=False)
    if not created:
        raise TransferRefused("unknown_member", f"no member {request.member_key} in our identity graph", 404)
    return Initiated(transfer_id, created=True)
