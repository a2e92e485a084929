"""The main job, as the README runs it (``p2p demo``), on a small population: two payers on
Neo4j servers of their own, transfers under injected faults and duplicates (and three from a
previous payer whose endpoint is down), then the summary, the evidence packets and each
payer's settings file; ``--exit`` stops everything it started."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from graph.server import ServerPaths, running_pid
from p2p.settings import PROJECT_ROOT

pytestmark = pytest.mark.integration


def test_the_demo_runs_two_payers_end_to_end_and_stops_what_it_started(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("P2P_", "NEO4J_"))}
    env |= {"P2P_DATA_DIR": str(tmp_path), "COLUMNS": "200"}
    done = subprocess.run(
        [sys.executable, "-m", "p2p", "demo", "--members", "2000", "--transfers", "12", "--offline", "3", "--exit"],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    out = " ".join(done.stdout.replace("│", " ").split())
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "Two payers, each with its own identity graph" in out
    assert "requests 15 (+" in out
    assert "transfers 15 (lost: 0, stuck with the service: 0)" in out
    assert "dead lettered" in out, "payer-c's endpoint is down: its members' transfers end with an operator"
    assert "identity decisions at A 0, ingestions at B 0, acknowledgments at A 0" in out
    assert " completed " in out and "completed transfers/s" in out

    demo = tmp_path / "demo"
    pages = sorted((demo / "evidence").rglob("*.html"))
    assert [p.parent.name for p in pages] == ["payer-a", "payer-b"], "one transfer's evidence at both payers"
    assert all(str(p) in out for p in pages)
    for payer in ("payer-a", "payer-b"):
        settings_file = demo / f"{payer}.env"
        assert f"P2P_PAYER_ID={payer}" in settings_file.read_text()
        assert stat.S_IMODE(settings_file.stat().st_mode) == 0o600  # it holds the local Neo4j password
        assert running_pid(ServerPaths(demo / payer / "neo4j")) is None, f"{payer}'s Neo4j was left running"
    assert "/dashboard" in out and "p2p steward query held_transfers" in out
