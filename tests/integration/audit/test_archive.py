"""Archiving events past the retention period: the archive verifies on its own (chain from
genesis, the checkpoint signatures and the keys it carries), tampering with it is detected,
and nothing younger than the retention period, or not covered by a signature, is archived."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from audit import clock
from audit.archive import archive, verify_archive
from audit.checkpointing import create_checkpoint
from audit.errors import AuditError
from audit.keys import AuditKeys
from audit.search import Criteria, search
from graph.store import GraphStore
from p2p.cli.main import app
from tests.integration.audit.conftest import append_one, draft

NOW = datetime(2033, 6, 1, tzinfo=UTC)


@pytest.fixture
def aged(store: GraphStore, keys: AuditKeys) -> GraphStore:
    """Events of 2025 (checkpointed after the third and fifth), 2026 and 2033."""
    for n, year in enumerate([2025, 2025, 2025, 2025, 2025, 2026, 2033], start=1):
        with clock.use_clock(lambda year=year, n=n: datetime(year, 1, 1, 0, 0, n, tzinfo=UTC)):
            append_one(store, draft(n))
            if n in (3, 5, 6):
                create_checkpoint(store, keys)
    return store


def test_an_archive_of_old_events_verifies_on_its_own_and_the_ledger_keeps_them(
    aged: GraphStore, keys: AuditKeys, tmp_path: Path
) -> None:
    done = archive(aged, keys, datetime(2026, 1, 1, tzinfo=UTC), tmp_path / "a", 6, NOW)
    assert (done.events, done.last_seq) == (5, 5)  # up to the last checkpoint before the cut
    lines = (tmp_path / "a" / "events.jsonl").read_text().splitlines()
    assert [json.loads(line)["seq"] for line in lines] == [1, 2, 3, 4, 5]
    report = verify_archive(tmp_path / "a")
    assert report.ok and report.events == 5 and report.checkpoints == 2
    assert [e["seq"] for e in search(aged, Criteria(correlation_id="corr-1")).events] == [1, 4, 7]  # still there


def test_a_tampered_archive_fails_to_verify(aged: GraphStore, keys: AuditKeys, tmp_path: Path) -> None:
    archive(aged, keys, datetime(2026, 1, 1, tzinfo=UTC), tmp_path, 6, NOW)
    path = tmp_path / "events.jsonl"
    lines = path.read_text().splitlines()
    event = json.loads(lines[1])
    lines[1] = json.dumps({**event, "outcome": "refused"})
    path.write_text("\n".join(lines) + "\n")
    first = verify_archive(tmp_path).first_problem
    assert first is not None and first.seq == 2
    path.write_text("\n".join(lines[:3]) + "\n")  # cut after seq 3: the signed end (seq 5) is gone
    assert not verify_archive(tmp_path).ok


def test_events_within_retention_or_without_a_signature_are_not_archived(
    store: GraphStore, aged: GraphStore, keys: AuditKeys, tmp_path: Path
) -> None:
    with pytest.raises(AuditError, match="within the 6-year retention"):
        archive(aged, keys, datetime(2030, 1, 1, tzinfo=UTC), tmp_path, 6, NOW)
    with pytest.raises(AuditError, match="no signed checkpoint"):
        archive(aged, keys, datetime(2025, 1, 1, 0, 0, 2, tzinfo=UTC), tmp_path, 6, NOW)


def test_the_cli_archives_past_the_retention_and_verifies_the_archive(
    aged: GraphStore, keys: AuditKeys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("P2P_AUDIT_SIGNING_KEY", str(keys.private_path))
    monkeypatch.setenv("P2P_AUDIT_PUBLIC_KEYS_DIR", str(keys.public_dir))
    refused = CliRunner().invoke(app, ["audit", "archive", "--before", "2026-06-01", "--out", str(tmp_path / "x")])
    assert refused.exit_code == 1 and "retention period" in refused.output  # six years by default
    monkeypatch.setenv("P2P_AUDIT_RETENTION_YEARS", "1")
    made = CliRunner().invoke(app, ["audit", "archive", "--before", "2025-06-01", "--out", str(tmp_path / "a")])
    assert made.exit_code == 0, made.output
    assert "5 events (seq 1..5)" in made.output
    checked = CliRunner().invoke(app, ["audit", "verify-archive", str(tmp_path / "a")])
    assert checked.exit_code == 0 and "OK" in checked.output
    (tmp_path / "a" / "manifest.json").write_text((tmp_path / "a" / "manifest.json").read_text().replace(
        '"last_seq": 5', '"last_seq": 4'))  # fmt: skip
    assert CliRunner().invoke(app, ["audit", "verify-archive", str(tmp_path / "a")]).exit_code == 1
    assert "not an audit archive" in CliRunner().invoke(app, ["audit", "verify-archive", str(tmp_path)]).output


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda a: (a / "manifest.json").write_text("{not json"), "manifest.json is damaged (JSONDecodeError)"),
        (lambda a: (a / "manifest.json").write_text("{}"), "manifest.json is damaged (no 'public_keys')"),
        (lambda a: (a / "manifest.json").write_text("[1, 2]"), "manifest.json is damaged (TypeError)"),
        (lambda a: (a / "events.jsonl").write_bytes((a / "events.jsonl").read_bytes()[:300]), "line 1 is not JSON"),
        (lambda a: (a / "events.jsonl").open("a").write("not json\n"), "events.jsonl line 6 is not JSON"),
        (lambda a: (a / "events.jsonl").open("ab").write(b'{"name": "Mu\xf1oz"}\n'), "line 6 is not JSON"),
        (lambda a: (a / "events.jsonl").open("a").write('{"no": "seq"}\n'), "line 6 is not an audit event"),
    ],
)
def test_a_damaged_archive_is_named_on_one_line_not_a_traceback(
    aged: GraphStore, keys: AuditKeys, tmp_path: Path, damage: object, message: str
) -> None:
    archive(aged, keys, datetime(2026, 1, 1, tzinfo=UTC), tmp_path, 6, NOW)
    damage(tmp_path)  # type: ignore[operator]
    with pytest.raises(AuditError, match="keep it as it is for investigation"):
        verify_archive(tmp_path)
    result = CliRunner().invoke(app, ["audit", "verify-archive", str(tmp_path)])
    assert result.exit_code == 1 and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert message in result.stderr


def test_an_archive_stopped_halfway_over_an_earlier_one_no_longer_looks_like_an_archive(
    aged: GraphStore, keys: AuditKeys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "archive"
    archive(aged, keys, datetime(2026, 1, 1, tzinfo=UTC), out, 6, NOW)
    earlier = (out / "events.jsonl").read_text()
    monkeypatch.setattr("audit.archive.PAGE", 2)
    real, pages = aged.read, []

    def second_page_lost(name: str, params: dict[str, object] | None = None, **kw: object) -> list[dict[str, object]]:
        if name == "audit/events_between":
            pages.append(params)
            if len(pages) == 2:
                return []
        return real(name, params, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(aged, "read", second_page_lost)
    with pytest.raises(AuditError, match="missing from the ledger"):
        archive(aged, keys, datetime(2026, 1, 1, tzinfo=UTC), out, 6, NOW)
    assert sorted(p.name for p in out.iterdir()) == ["events.jsonl"]  # no manifest, no partial file
    assert (out / "events.jsonl").read_text() == earlier
    assert "not an audit archive" in CliRunner().invoke(app, ["audit", "verify-archive", str(out)]).stderr
