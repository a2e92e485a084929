"""Search by each criterion and their combinations, paged; checkpoints; member evidence packets; the CLI."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from audit import clock
from audit.checkpointing import checkpoint_if_due, create_checkpoint
from audit.errors import AuditError, SearchError
from audit.keys import AuditKeys
from audit.search import Criteria, search
from audit.service import write_member_evidence
from graph.domain.links import LinkState
from graph.loading import load_run
from graph.stewardship import decide_link
from graph.store import GraphStore
from p2p.cli.main import app
from tests.integration.audit.conftest import Tamper, append_one, draft
from tests.integration.graph.conftest import RunMaker, make_run, pair
from tests.integration.graph.test_loading import link_between
from tests.integration.graph.test_stewardship import member_of

pytestmark = pytest.mark.integration
__all__ = ["make_run"]


def day(d: int) -> datetime:
    return datetime(2026, 3, d, 12, tzinfo=UTC)


@pytest.fixture
def varied(store: GraphStore) -> GraphStore:
    """12 events over 4 days: members M-0..M-2, correlations c0/c1, cases, transfers and partners."""
    for i in range(12):
        extra = {"case_id": "case-7"} if i in (3, 8) else {}
        if i % 4 == 0:
            extra["transfer_id"] = "tr-1"
        actor = "partner:acme" if i % 2 else "service:worker"
        with clock.use_clock(lambda i=i: day(1 + i // 3)):
            append_one(store, draft(i, actor=actor, correlation_id=f"c{i % 2}", member_keys=(f"M-{i % 3}",), **extra))
    return store


def seqs(store: GraphStore, **criteria: object) -> list[int]:
    return [int(e["seq"]) for e in search(store, Criteria(**criteria), limit=100).events]  # type: ignore[arg-type]


def test_each_criterion_alone(varied: GraphStore) -> None:
    assert seqs(varied, member_key="M-1") == [2, 5, 8, 11]
    assert seqs(varied, correlation_id="c1") == [2, 4, 6, 8, 10, 12]
    assert seqs(varied, case_id="case-7") == [4, 9]
    assert seqs(varied, transfer_id="tr-1") == [1, 5, 9]
    assert seqs(varied, partner_id="acme") == [2, 4, 6, 8, 10, 12]
    assert seqs(varied, since=day(2), until=day(3)) == [4, 5, 6]
    assert seqs(varied, member_key="nobody") == []


def test_criteria_combine(varied: GraphStore) -> None:
    assert seqs(varied, member_key="M-1", partner_id="acme") == [2, 8]
    assert seqs(varied, correlation_id="c0", transfer_id="tr-1", since=day(2)) == [5, 9]
    assert seqs(varied, member_key="M-2", until=day(3)) == [3, 6]
    assert seqs(varied, case_id="case-7", member_key="M-0") == [4]


def test_pages_follow_the_chain_and_say_when_there_is_more(varied: GraphStore) -> None:
    first = search(varied, Criteria(partner_id="acme"), limit=4)
    assert [e["seq"] for e in first.events] == [2, 4, 6, 8] and first.next_after == 8
    rest = search(varied, Criteria(partner_id="acme"), after=first.next_after, limit=4)
    assert [e["seq"] for e in rest.events] == [10, 12] and rest.next_after is None
    assert all(e["intact"] for e in first.events + rest.events)


def test_bad_criteria_are_refused(varied: GraphStore) -> None:
    for criteria, limit in (
        (Criteria(), 10),
        (Criteria(member_key="M-1"), 0),
        (Criteria(since=day(3), until=day(2)), 5),
    ):
        with pytest.raises(SearchError):
            search(varied, criteria, limit=limit)


def test_checkpoints_are_made_when_due_and_never_twice_for_one_head(store: GraphStore, keys: AuditKeys) -> None:
    with pytest.raises(AuditError, match="empty"):
        create_checkpoint(store, keys)
    with clock.use_clock(lambda: day(1)):
        append_one(store, draft(1))
        first = checkpoint_if_due(store, keys, interval_s=3600)
        assert first is not None and first.seq == 1
        assert checkpoint_if_due(store, keys, interval_s=3600) is None  # the head has not moved
        append_one(store, draft(2))
        assert checkpoint_if_due(store, keys, interval_s=3600) is None  # not due yet
    with clock.use_clock(lambda: day(2)):
        due = checkpoint_if_due(store, keys, interval_s=3600)
    assert due is not None and due.seq == 2
    again, new = create_checkpoint(store, keys)
    assert again == due and not new


def test_a_checkpoint_is_also_due_every_so_many_events_so_proofs_stay_short(store: GraphStore, keys: AuditKeys) -> None:
    with clock.use_clock(lambda: day(1)):
        append_one(store, draft(1))
        assert checkpoint_if_due(store, keys, interval_s=3600, every_events=3) is not None  # the first one
        for n in range(2, 4):
            append_one(store, draft(n))
        assert checkpoint_if_due(store, keys, interval_s=3600, every_events=3) is None  # 2 events behind
        append_one(store, draft(4))
        due = checkpoint_if_due(store, keys, interval_s=3600, every_events=3)
    assert due is not None and due.seq == 4


@pytest.fixture
def member_history(store: GraphStore, make_run: RunMaker, keys: AuditKeys) -> str:
    load_run(store, make_run("run1", [pair("r4", "r5", "review", 5.0), pair("r1", "r2", "confirm", 20.0)]))
    link_id = link_between(store, "r4", "r5")["link_id"]
    decide_link(store, link_id, LinkState.CONFIRMED, "ana", "checked")
    create_checkpoint(store, keys)
    decide_link(store, link_id, LinkState.DISPUTED, "ben", "second look")  # after the checkpoint: chains to the head
    return member_of(store, "r4")


def test_a_member_evidence_packet_lists_events_links_and_a_verified_proof(
    member_history: str, store: GraphStore, keys: AuditKeys, tmp_path: Path
) -> None:
    packet, json_path, html_path = write_member_evidence(store, keys, member_history, tmp_path / "out")
    sections = {s.key: s for s in packet.sections}
    assert [r["action"] for r in sections["events"].rows] == ["link.confirm", "link.dispute"]
    assert [r["to_state"] for r in sections["link_history"].rows] == ["candidate", "confirmed", "disputed"]
    proofs = sections["chain_proof"].rows
    assert packet.verified and all(r["verified"] for r in proofs)
    assert str(proofs[0]["chains_to"]).startswith("checkpoint seq 2 signed")
    assert str(proofs[1]["chains_to"]).startswith("head seq 3")
    assert json.loads(json_path.read_text())["subject_id"] == member_history
    assert "Chain proof" in html_path.read_text()


def test_no_packet_is_made_for_a_key_no_member_holds_and_no_event_concerns(
    member_history: str, store: GraphStore, keys: AuditKeys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert write_member_evidence(store, keys, "M-nobody", tmp_path / "out") is None
    assert not (tmp_path / "out").exists()
    code, out = cli(monkeypatch, tmp_path, "evidence", "--member", "M-nobody", "--out", str(tmp_path / "cli"))
    assert code == 1 and "nothing is recorded for member M-nobody" in out and not (tmp_path / "cli").exists()


def test_a_packet_whose_events_were_altered_fails_its_proof(
    member_history: str, store: GraphStore, keys: AuditKeys, tamper: Tamper, tmp_path: Path
) -> None:
    tamper("replace_fields", seq=2, fields={"actor": "steward:mallory"})
    packet, _, _ = write_member_evidence(store, keys, member_history, tmp_path)
    proof = next(s for s in packet.sections if s.key == "chain_proof")
    assert not packet.verified and str(proof.rows[0]["chains_to"]).startswith("FAILED at seq 2")


def cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, *args: str) -> tuple[int, str]:
    monkeypatch.setenv("P2P_DATA_DIR", str(tmp_path))
    result = CliRunner().invoke(app, ["audit", *args])
    return result.exit_code, result.output


def test_the_cli_checkpoints_verifies_searches_and_fails_verification_after_tampering(
    varied: GraphStore, tamper: Tamper, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    code, out = cli(monkeypatch, tmp_path, "checkpoint")
    assert code == 0 and "signed: seq 12" in out
    code, out = cli(monkeypatch, tmp_path, "public-key")
    assert code == 0 and out.startswith("-----BEGIN PUBLIC KEY-----")
    assert cli(monkeypatch, tmp_path, "verify")[0] == 0
    code, out = cli(monkeypatch, tmp_path, "search", "--member", "M-1", "--partner", "acme", "--json")
    assert code == 0 and [e["seq"] for e in json.loads(out)["events"]] == [2, 8]
    code, out = cli(monkeypatch, tmp_path, "search")
    assert code == 1 and "at least one criterion" in out
    tamper("replace_fields", seq=6, fields={"outcome": "failed"})
    code, out = cli(monkeypatch, tmp_path, "verify")
    assert code == 1 and "first bad seq 6 (altered)" in out
