"""Tampering: a tamperer with write access to payer B's Neo4j edits the audit ledger directly,
through the test-only Cypher files the audit tests use (tests/integration/audit/tamper/; the
product offers no such query). First the untouched ledger must verify; then each plant, from
the end of the chain towards its start, must be among the problems ``p2p audit verify`` names,
at the planted seq and of the planted kind (a plant before a signed checkpoint is also reported
as a checkpoint mismatch of the stretch it lies in). B's services are stopped first (the ledger is
left tampered: run this scenario last)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from audit.domain.canonical import event_hash
from audit.domain.chain import stored_fields
from audit.domain.events import EventDraft, Outcome, seal
from audit.service import verify
from graph.cypher import CypherLibrary
from graph.store import GraphStore
from p2p.bootstrap import audit_keys, graph_store
from p2p.settings import PROJECT_ROOT

from .context import Suite
from .verdicts import Result, tamper_verdict

TAMPER = CypherLibrary(PROJECT_ROOT / "tests" / "integration" / "audit" / "tamper")
Plant = Callable[[GraphStore, int], None]


def _tamper(store: GraphStore, name: str, **params: Any) -> None:
    query = TAMPER(name)
    assert set(params) == query.declared_params, name
    store.driver.execute_query(query.text, params, database_=store.database)


def _event(store: GraphStore, seq: int) -> dict[str, Any]:
    event = dict(store.read("audit/events_page", {"after": seq - 1, "limit": 1})[0]["event"])
    event.pop("indexed_member_keys")
    return event


def _when(event: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(str(event["occurred_at"]).replace("Z", "+00:00"))


def change_field(store: GraphStore, seq: int) -> None:
    _tamper(
        store,
        "replace_fields",
        seq=seq,
        fields={"outcome": "refused" if _event(store, seq)["outcome"] != "refused" else "success"},
    )


def change_and_rehash(store: GraphStore, seq: int) -> None:
    changed = {**_event(store, seq), "actor": "steward:mallory"}
    _tamper(store, "replace_fields", seq=seq, fields={**changed, "hash": event_hash(stored_fields(changed))})


def delete(store: GraphStore, seq: int) -> None:
    _tamper(store, "delete_event", seq=seq)


def insert(store: GraphStore, seq: int) -> None:
    before = _event(store, seq - 1)
    draft = EventDraft(actor="steward:mallory", action="link.confirm", resource_type="Link", resource_id="forged",
                       outcome=Outcome.SUCCESS, reason_code="LINK_CONFIRMED", correlation_id="forged")  # fmt: skip
    forged = seal(draft, seq=seq, event_id="forged", occurred_at=_when(before), prev_hash=before["hash"])
    _tamper(store, "park_seqs", **{"from": seq})
    _tamper(store, "unpark_seqs", by=1)
    _tamper(store, "create_event", event=forged.stored())


def reorder(store: GraphStore, seq: int) -> None:
    _tamper(store, "replace_fields", seq=seq, fields={"seq": 1_000_000 + seq})
    _tamper(store, "replace_fields", seq=seq + 1, fields={"seq": seq})
    _tamper(store, "replace_fields", seq=1_000_000 + seq, fields={"seq": seq + 1})


# From the end of the chain to its start, so each plant is the first problem when it is planted.
PLANTS: tuple[tuple[str, str, Plant, float, str], ...] = (
    ("reorder", "swap the seq numbers of two neighbouring events", reorder, 0.9, "reordered"),
    (
        "insert",
        "insert a forged event (renumber the ones after it, link it to its predecessor)",
        insert,
        0.7,
        "inserted",
    ),
    ("delete", "delete an event", delete, 0.5, "missing"),
    ("change and rehash", "change an event's actor and recompute its hash", change_and_rehash, 0.3, "rehashed"),
    ("change a field", "change an event's outcome in place", change_field, 0.1, "altered"),
)


def _problems(store: GraphStore, suite: Suite) -> list[tuple[int, str]]:
    """Every problem ``p2p audit verify`` reports (its exit names the first), in seq order."""
    report = verify(store, audit_keys(suite.pair.b))
    return sorted((p.seq, p.kind.value) for p in report.problems)


def run(suite: Suite) -> list[Result]:
    suite.services.stop()  # nothing may append while the tamperer works
    with graph_store(suite.pair.b) as store:
        head = int(store.read("audit/head")[0]["seq"])
        results = [tamper_verdict("none", f"p2p audit verify on B's untouched ledger ({head:,} events)", None,
                                  _problems(store, suite))]  # fmt: skip
        for name, what, plant, where, kind in PLANTS:
            seq = max(2, int(head * where))
            plant(store, seq)
            results.append(
                tamper_verdict(name, f"{what} at seq {seq}; p2p audit verify", (seq, kind), _problems(store, suite))
            )
    return results
