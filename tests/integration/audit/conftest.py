"""Audit ledger fixtures: signing keys in a temporary folder, events appended the way the
code appends them, and a tamperer who edits Neo4j directly through test-only Cypher files
(tests/integration/audit/tamper/, never offered by the production code)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from audit.domain.canonical import event_hash
from audit.domain.chain import stored_fields
from audit.domain.events import AuditEvent, EventDraft, Outcome
from audit.keys import AuditKeys
from audit.ledger import append
from graph.cypher import CypherLibrary
from graph.store import GraphStore

TAMPER = CypherLibrary(Path(__file__).parent / "tamper")
Tamper = Callable[..., None]


def draft(n: int = 0, **changes: Any) -> EventDraft:
    fields: dict[str, Any] = {
        "actor": "service:test", "action": "test.step", "resource_type": "Thing", "resource_id": f"T{n}",
        "outcome": Outcome.SUCCESS, "reason_code": "TESTED", "correlation_id": f"corr-{n % 3}",
        "member_keys": (f"M-{n % 5}",),
    }  # fmt: skip
    return EventDraft(**{**fields, **changes})


def append_one(store: GraphStore, event: EventDraft) -> AuditEvent:
    return store.in_write_transaction(lambda tx: append(tx, event))


def append_many(store: GraphStore, n: int) -> list[AuditEvent]:
    return [append_one(store, draft(i)) for i in range(1, n + 1)]


def stored_event(store: GraphStore, seq: int) -> dict[str, Any]:
    rows = store.read("audit/events_page", {"after": seq - 1, "limit": 1})
    event = dict(rows[0]["event"])
    event.pop("indexed_member_keys")
    return event


def rehashed(event: dict[str, Any], **changes: Any) -> dict[str, Any]:
    changed = {**event, **changes}
    return {**changed, "hash": event_hash(stored_fields(changed))}


@pytest.fixture
def keys(tmp_path: Path) -> AuditKeys:
    return AuditKeys(tmp_path / "keys" / "signing-key.pem", tmp_path / "keys" / "public")


@pytest.fixture
def tamper(store: GraphStore) -> Tamper:
    def run(name: str, **params: Any) -> None:
        query = TAMPER(name)
        assert set(params) == query.declared_params
        store.driver.execute_query(query.text, params, database_=store.database)

    return run
