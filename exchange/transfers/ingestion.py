"""The ingest step: what the previous payer sent (kept as a file by the fetch step) becomes our
received member data, written as content-addressed NDJSON and recorded for our member in the
same transaction that moves the transfer to ``ingested``. Re-running it changes nothing."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from exchange.domain.transfer import Move, Step, TransferState
from exchange.member_data.ingest import ingest_in, write_received
from exchange.member_data.received import ReceivedDataError
from exchange.transfers import received
from exchange.transfers.plan import Plan
from exchange.transfers.repository import Message, routed_member
from exchange.transfers.runtime import Runtime
from graph.store import TxRunner

S = TransferState


def plan(rt: Runtime, current: Mapping[str, Any], message: Message) -> Plan:
    now = rt.now()
    resources = received.load(current["data_file"], current["data_sha256"])
    if resources is None:
        return Plan(at=now, moves=(Move(S.RECEIVING, S.REJECTED, "received_data_unreadable", rt.actor),))
    try:
        files = write_received(rt.settings.data_dir, current["partner_id"], resources)
    except ReceivedDataError:
        return Plan(at=now, moves=(Move(S.RECEIVING, S.REJECTED, "received_data_invalid", rt.actor),))
    ids = (current["transfer_id"], routed_member(current), current["partner_id"], current["correlation_id"])

    def record(tx: TxRunner) -> None:
        ingest_in(tx, files, *ids)  # its own audit event only when something was new

    return Plan(
        at=now,
        moves=(Move(S.RECEIVING, S.INGESTED, "data_ingested", rt.actor),),
        local=record,
        next_step=(Step.ACKNOWLEDGE, now),
    )
