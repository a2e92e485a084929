"""Received member data as the new payer: checked, written as content-addressed NDJSON, recorded
once in the real Neo4j with provenance and an audit event; a re-ingest changes nothing."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from audit.search import Criteria
from audit.service import search_events
from exchange.member_data.ingest import IngestError, ingest, ingest_in, received_for, write_received
from exchange.member_data.received import ReceivedDataError
from graph.store import GraphStore, TxRunner
from tests.support.member_data import load_records

pytestmark = pytest.mark.integration


def received_bundle() -> dict[str, Any]:
    resources = [{"resourceType": "Patient", "id": "p1", "gender": "female"},
                 {"resourceType": "Condition", "id": "c1", "code": {"text": "x"}},
                 {"resourceType": "Condition", "id": "c2"},
                 {"resourceType": "Encounter", "id": "e1", "status": "finished"}]  # fmt: skip
    return {"resourceType": "Bundle", "type": "searchset", "entry": [{"resource": r} for r in resources]}


@pytest.fixture
def member(store: GraphStore, tmp_path: Path) -> str:
    return load_records(store, tmp_path / "run", ["B-1"])["B-1"]


def files_in(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*")) if folder.exists() else []


def test_a_bundle_is_written_per_type_and_recorded_with_provenance(
    store: GraphStore, member: str, tmp_path: Path
) -> None:
    files = ingest(store, tmp_path / "data", received_bundle(), "T-1", member, "payer-a", "corr-ingest-0001")
    folder = tmp_path / "data" / "received" / "payer-a"
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{f.sha256}.ndjson" for f in files)
    for f in files:
        assert hashlib.sha256(f.path.read_bytes()).hexdigest() == f.sha256
        assert all(json.loads(line)["resourceType"] == f.resource_type for line in f.path.read_text().splitlines())
    recorded = {r["resource_type"]: r for r in received_for(store, member)}
    assert {t: r["resource_count"] for t, r in recorded.items()} == {"Condition": 2, "Encounter": 1, "Patient": 1}
    assert recorded["Condition"]["provenance"] == "received from payer payer-a in transfer T-1"
    events = search_events(store, Criteria(transfer_id="T-1")).events
    assert [(e["action"], e["partner_id"], e["member_keys"]) for e in events] == [
        ("member_data.ingest", "payer-a", [member])
    ]
    assert events[0]["details"]["resources"] == 4 and events[0]["details"]["resources_condition"] == 2


def test_ingesting_the_same_bundle_again_changes_nothing(store: GraphStore, member: str, tmp_path: Path) -> None:
    ingest(store, tmp_path / "data", received_bundle(), "T-2", member, "payer-a", "corr-ingest-0002")
    before = (received_for(store, member), files_in(tmp_path / "data"))
    again = ingest(store, tmp_path / "data", received_bundle(), "T-2", member, "payer-a", "corr-ingest-0003")
    assert (received_for(store, member), files_in(tmp_path / "data")) == before
    assert len(again) == 3
    assert len(search_events(store, Criteria(transfer_id="T-2")).events) == 1, "no second audit event"


@pytest.mark.parametrize(
    "payload",
    [{"resourceType": "Patient", "id": "p"}, {"resourceType": "Bundle", "entry": [{"resource": {"id": "x"}}]}],
)
def test_a_non_bundle_or_an_entry_without_type_writes_nothing(
    store: GraphStore, member: str, tmp_path: Path, payload: dict[str, Any]
) -> None:
    with pytest.raises(ReceivedDataError):
        ingest(store, tmp_path / "data", payload, "T-3", member, "payer-a", "corr-ingest-0004")
    assert files_in(tmp_path / "data") == []
    assert received_for(store, member) == []


def test_an_unknown_member_records_nothing(store: GraphStore, member: str, tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="no member"):
        ingest(store, tmp_path / "data", received_bundle(), "T-4", "no-such-member", "payer-a", "corr-ingest-0005")
    assert search_events(store, Criteria(transfer_id="T-4")).events == []


def test_ingest_in_commits_or_rolls_back_with_the_callers_transaction(
    store: GraphStore, member: str, tmp_path: Path
) -> None:
    files = write_received(tmp_path / "data", "payer-a", received_bundle())

    def fails_later(tx: TxRunner) -> None:
        ingest_in(tx, files, "T-5", member, "payer-a", "corr-ingest-0006")
        raise RuntimeError("the transfer's state change failed")

    with pytest.raises(RuntimeError):
        store.in_write_transaction(fails_later)
    assert received_for(store, member) == []
    assert store.in_write_transaction(lambda tx: ingest_in(tx, files, "T-5", member, "payer-a", "corr-6")) == 3
    assert len(received_for(store, member)) == 3
