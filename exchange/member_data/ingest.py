"""Member data received as the new payer: checked in full (``received``), written as NDJSON
files named by their sha256 under ``<data_dir>/received/<source partner>/`` (temp file, then
rename: a file is there whole or not at all), then recorded in the graph as
``(:ReceivedData)-[:RECEIVED_FOR]->(:Member)`` with its provenance and an audit event.

The files come first and outside any transaction: they are content-addressed, so a retried
ingest rewrites the same names. ``ingest_in`` takes an open transaction, so the transfer
workflow can record the data, move the transfer's state and write its outbox message in one
commit; it MERGEs on (transfer_id, sha256), so ingesting the same data again changes nothing
(and appends no second audit event)."""

from __future__ import annotations

import hashlib
import os
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from audit.domain.details import DETAIL_KEYS
from audit.domain.events import EventDraft, Outcome
from audit.ledger import append
from exchange.fhir.errors import Issue
from exchange.member_data.audit import count_key
from exchange.member_data.received import ReceivedDataError, ndjson_by_type, resources_of
from graph.store import GraphStore, TxRunner

_PLAIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")
ACTOR = "service:member-data-ingest"


@dataclass(frozen=True)
class ReceivedFile:
    resource_type: str
    sha256: str
    path: Path
    resource_count: int
    bytes: int


class IngestError(ValueError):
    """The data cannot be recorded for this member (unknown member, malformed ids)."""


def _checked(name: str, value: str) -> str:
    if not _PLAIN.match(value):
        raise ReceivedDataError([Issue(name, f"{name} must be a plain id (letters, digits, . _ : -)")])
    return value


def _write_atomically(folder: Path, name: str, content: bytes) -> Path:
    target = folder / name
    if target.exists() and target.stat().st_size == len(content):
        return target  # content-addressed: the same name holds the same bytes
    temporary = folder / f".{name}.{uuid.uuid4().hex}.tmp"
    try:
        with temporary.open("wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return target


def write_received(data_dir: Path, source_partner: str, payload: Any) -> list[ReceivedFile]:
    """Check ``payload`` (a Bundle or a list of resources) and write one NDJSON file per type;
    ``ReceivedDataError`` and nothing written when any of it is not acceptable."""
    _checked("source_partner", source_partner)
    documents = ndjson_by_type(resources_of(payload))
    folder = data_dir / "received" / source_partner
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for kind, content in documents.items():
        sha256 = hashlib.sha256(content).hexdigest()
        path = _write_atomically(folder, f"{sha256}.ndjson", content)
        files.append(ReceivedFile(kind, sha256, path, content.count(b"\n"), len(content)))
    return files


def ingest_in(
    tx: TxRunner,
    files: Sequence[ReceivedFile],
    transfer_id: str,
    member_key: str,
    source_partner: str,
    correlation_id: str,
) -> int:
    """Record ``files`` for our member in the caller's transaction; returns how many were new.
    Appends the audit event (the transaction's last write of this step) only when something was."""
    _checked("transfer_id", transfer_id)
    received_at, ingest_id = datetime.now(UTC).isoformat(), uuid.uuid4().hex
    created = []
    for f in files:
        received = {"sha256": f.sha256, "transfer_id": transfer_id, "source_partner": source_partner,
                    "resource_type": f.resource_type, "resource_count": f.resource_count, "bytes": f.bytes,
                    "path": str(f.path), "received_at": received_at, "ingest_id": ingest_id}  # fmt: skip
        rows = tx.run("member_data/record_received_data", {"received": received, "member_key": member_key})
        if not rows:
            raise IngestError(f"no member {member_key} to record received data for")
        if rows[0]["created"]:
            created.append(f)
    if created:
        append(tx, _ingested_event(created, transfer_id, member_key, source_partner, correlation_id))
    return len(created)


def _ingested_event(
    files: Sequence[ReceivedFile], transfer_id: str, member_key: str, source_partner: str, correlation_id: str
) -> EventDraft:
    details: dict[str, int | bool | str] = {"files": len(files), "bytes": sum(f.bytes for f in files)}
    details["resources"] = sum(f.resource_count for f in files)
    for f in files:
        key = count_key(f.resource_type)
        if key in DETAIL_KEYS:
            details[key] = int(details.get(key, 0)) + f.resource_count
    return EventDraft(
        actor=ACTOR,
        action="member_data.ingest",
        resource_type="ReceivedData",
        resource_id=transfer_id,
        outcome=Outcome.SUCCESS,
        reason_code="DATA_INGESTED",
        correlation_id=correlation_id,
        member_keys=(member_key,),
        partner_id=source_partner,
        transfer_id=transfer_id,
        details=details,
    )


def ingest(
    store: GraphStore,
    data_dir: Path,
    payload: Any,
    transfer_id: str,
    member_key: str,
    source_partner: str,
    correlation_id: str,
) -> list[ReceivedFile]:
    """Write the files, then record them in a transaction of their own (``ingest_in``)."""
    _checked("transfer_id", transfer_id)
    files = write_received(data_dir, source_partner, payload)
    store.in_write_transaction(lambda tx: ingest_in(tx, files, transfer_id, member_key, source_partner, correlation_id))
    return files


def received_for(store: GraphStore, member_key: str) -> list[dict[str, Any]]:
    """The data files received for our member, newest first, with their provenance."""
    return [row["received"] for row in store.read("member_data/received_data_of_member", {"member_key": member_key})]
