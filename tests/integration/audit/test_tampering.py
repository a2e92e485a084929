"""Tampering directly in Neo4j, each way, is detected by `verify` at the right sequence number."""

from __future__ import annotations

import pytest

from audit.checkpointing import create_checkpoint
from audit.domain.chain import ProblemKind
from audit.domain.events import seal
from audit.keys import AuditKeys
from audit.service import verify
from graph.store import GraphStore
from tests.integration.audit.conftest import Tamper, append_many, draft, rehashed, stored_event

pytestmark = pytest.mark.integration
PAGE = 7  # small pages, so tampering lands across page boundaries too


def first_problem(store: GraphStore, keys: AuditKeys) -> tuple[int, ProblemKind]:
    report = verify(store, keys, page_size=PAGE)
    assert not report.ok
    problem = report.first_problem
    assert problem is not None
    return problem.seq, problem.kind


@pytest.fixture
def ledger(store: GraphStore) -> GraphStore:
    append_many(store, 30)
    return store


def test_an_untouched_ledger_verifies(ledger: GraphStore, keys: AuditKeys) -> None:
    create_checkpoint(ledger, keys)
    report = verify(ledger, keys, page_size=PAGE)
    assert report.ok and report.events == 30 and report.last_good_checkpoint is not None


def test_a_modified_event(ledger: GraphStore, keys: AuditKeys, tamper: Tamper) -> None:
    tamper("replace_fields", seq=12, fields={"outcome": "refused"})
    assert first_problem(ledger, keys) == (12, ProblemKind.ALTERED)


def test_a_modified_and_rehashed_event(ledger: GraphStore, keys: AuditKeys, tamper: Tamper) -> None:
    tamper("replace_fields", seq=14, fields=rehashed(stored_event(ledger, 14), actor="steward:mallory"))
    assert first_problem(ledger, keys) == (14, ProblemKind.REHASHED)


def test_a_deleted_event(ledger: GraphStore, keys: AuditKeys, tamper: Tamper) -> None:
    tamper("delete_event", seq=7)
    assert first_problem(ledger, keys) == (7, ProblemKind.MISSING)


def test_a_deleted_event_hidden_by_renumbering(ledger: GraphStore, keys: AuditKeys, tamper: Tamper) -> None:
    tamper("delete_event", seq=9)
    tamper("park_seqs", **{"from": 10})
    tamper("unpark_seqs", by=-1)
    last = stored_event(ledger, 29)
    tamper("set_head", seq=29, hash=last["hash"])
    assert first_problem(ledger, keys) == (9, ProblemKind.MISSING)


def test_the_last_events_deleted(ledger: GraphStore, keys: AuditKeys, tamper: Tamper) -> None:
    tamper("delete_event", seq=30)
    tamper("delete_event", seq=29)
    assert first_problem(ledger, keys) == (29, ProblemKind.MISSING)


def test_an_inserted_event(ledger: GraphStore, keys: AuditKeys, tamper: Tamper) -> None:
    before = stored_event(ledger, 15)
    forged = seal(draft(99, actor="steward:mallory"), seq=16, event_id="forged", occurred_at=_time(before),
                  prev_hash=before["hash"])  # fmt: skip
    tamper("park_seqs", **{"from": 16})
    tamper("unpark_seqs", by=1)
    tamper("create_event", event=forged.stored())
    assert first_problem(ledger, keys) == (16, ProblemKind.INSERTED)


def test_an_event_appended_behind_the_ledgers_back(ledger: GraphStore, keys: AuditKeys, tamper: Tamper) -> None:
    last = stored_event(ledger, 30)
    forged = seal(draft(99), seq=31, event_id="forged", occurred_at=_time(last), prev_hash=last["hash"])
    tamper("create_event", event=forged.stored())
    assert first_problem(ledger, keys) == (31, ProblemKind.INSERTED)


def test_reordered_events(ledger: GraphStore, keys: AuditKeys, tamper: Tamper) -> None:
    tamper("replace_fields", seq=20, fields={"seq": 1_000_020})
    tamper("replace_fields", seq=21, fields={"seq": 20})
    tamper("replace_fields", seq=1_000_020, fields={"seq": 21})
    assert first_problem(ledger, keys) == (20, ProblemKind.REORDERED)


def test_a_checkpoint_with_a_forged_signature(ledger: GraphStore, keys: AuditKeys, tamper: Tamper) -> None:
    checkpoint, _ = create_checkpoint(ledger, keys)
    tamper("set_checkpoint", seq=checkpoint.seq, fields={"at": "2020-01-01T00:00:00.000000Z"})
    assert first_problem(ledger, keys) == (30, ProblemKind.CHECKPOINT_SIGNATURE)


def test_a_checkpoint_signed_by_an_untrusted_key(ledger: GraphStore, keys: AuditKeys, tmp_path) -> None:  # type: ignore[no-untyped-def]
    rogue = AuditKeys(tmp_path / "rogue" / "key.pem", tmp_path / "rogue" / "public")
    create_checkpoint(ledger, rogue)
    assert first_problem(ledger, keys) == (30, ProblemKind.CHECKPOINT_SIGNATURE)


def test_a_chain_rewritten_consistently_after_a_checkpoint(ledger: GraphStore, keys: AuditKeys, tamper: Tamper) -> None:
    create_checkpoint(ledger, keys)  # signs seq 30
    prev = stored_event(ledger, 22)["hash"]
    for seq in range(23, 31):  # re-seal 23..30 with one change, every link made consistent
        event = rehashed(stored_event(ledger, seq), reason_code="REWRITTEN", prev_hash=prev)
        tamper("replace_fields", seq=seq, fields=event)
        prev = event["hash"]
    tamper("set_head", seq=30, hash=prev)
    assert first_problem(ledger, keys) == (1, ProblemKind.CHECKPOINT_MISMATCH)


def test_a_member_search_index_removed(ledger: GraphStore, keys: AuditKeys, tamper: Tamper) -> None:
    tamper("drop_member_index", seq=5)
    assert first_problem(ledger, keys) == (5, ProblemKind.INDEX)


def _time(event: dict[str, object]):  # type: ignore[no-untyped-def]
    from datetime import datetime

    return datetime.fromisoformat(str(event["occurred_at"]).replace("Z", "+00:00"))
