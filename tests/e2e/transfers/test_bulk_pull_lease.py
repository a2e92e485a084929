"""Two real `p2p bulk pull` processes started at once on one pull id: exactly one runs it, the other
is refused at once (exit 1, the holder and its lease's end named, nothing done). The one running is
then SIGKILLed before its downloads: a third run is refused while the dead holder's lease is still
ahead, and a fourth, once it has expired, takes the pull over where it stopped. In the end the
previous payer decided one match and made one export, each file was downloaded once, and each
member's data was ingested (and audited) once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from audit.search import Criteria
from audit.service import search_events
from exchange.member_data.ingest import received_for
from graph.store import GraphStore
from matching.linkage import jobs
from p2p.cli.main import app
from p2p.settings import Settings, as_environment
from tests.support.servers import RequestLog
from tests.support.two_payers import PEOPLE, TwoPayers, member_key_of, two_payers

pytestmark = pytest.mark.integration
PULL = "bulk-L1"
BEFORE_DOWNLOADS = ("new", "matching", "matched", "exporting")


def events(store: GraphStore, action: str, **criteria: str) -> list[dict[str, Any]]:
    return [e for e in search_events(store, Criteria(**criteria), limit=500).events if e["action"] == action]


def pull_row(store: GraphStore) -> dict[str, Any] | None:
    rows = store.read("bulk/pull", {"pull_id": PULL})
    return rows[0]["pull"] if rows else None


def start(t: TwoPayers, requests: Path) -> subprocess.Popen[str]:
    # a lease longer than a process takes to start (a few seconds on a busy machine), renewed every 6.7 s
    env = {**os.environ, **as_environment(t.b.model_copy(update={"bulk_pull_lease_s": 20.0}))}
    command = [sys.executable, "-m", "p2p", "bulk", "pull", "payer-a", str(requests), "--transfer-id", PULL]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finished(process: subprocess.Popen[str]) -> tuple[int, str]:
    _, err = process.communicate(timeout=240)
    return process.returncode, " ".join(err.split())  # rich wraps long lines


def kill_the_holder_before_its_downloads(t: TwoPayers, both: list[subprocess.Popen[str]]) -> tuple[int, int, str]:
    """Wait until one process was refused and the other holds the pull, still before any download;
    SIGKILL the holder. The refused one's pid, the holder's pid, and what the refused one printed."""
    deadline = time.monotonic() + 180
    while True:
        assert time.monotonic() < deadline, "the pull never got going"
        pull = pull_row(t.store_b)
        refused = [p for p in both if p.poll() is not None]
        if pull and pull["lease_holder"] and refused:
            holder = next(p for p in both if pull["lease_holder"].endswith(f"-{p.pid}"))
            assert pull["stage"] in BEFORE_DOWNLOADS, f"the pull reached {pull['stage']} before the refusal"
            os.kill(holder.pid, signal.SIGKILL)
            holder.wait(timeout=10)
            code, err = finished(refused[0])
            assert code == 1, err
            return refused[0].pid, holder.pid, err
        time.sleep(0.05)


def test_one_of_two_concurrent_pulls_runs_and_a_killed_holder_is_taken_over_after_its_lease(
    graphs: tuple[GraphStore, GraphStore], settings_a: Settings, settings_b: Settings, trained_model: jobs.TrainResult,
    tmp_path: Path,
) -> None:  # fmt: skip
    seen = RequestLog()
    slow = {"faults": "slow=1.0", "faults_slow_s": 1.0}  # every answer of A one second late: the pull takes a while
    with two_payers(settings_a, settings_b, *graphs, trained_model, a_overrides=slow, a_log=seen) as t:
        requests = tmp_path / "requests.jsonl"
        requests.write_text("".join(json.dumps(t.transfer_request(p, f"ENR-L-{p.key}")) + "\n" for p in PEOPLE[:3]))
        _, holder_pid, refusal = kill_the_holder_before_its_downloads(t, [start(t, requests), start(t, requests)])

        stale = pull_row(t.store_b)
        assert stale is not None and stale["lease_live"] and stale["lease_holder"].endswith(f"-{holder_pid}")
        code, early = finished(start(t, requests))  # the dead holder's lease is still ahead
        lease_end = datetime.fromisoformat(stale["lease_until"])
        time.sleep(max(0.0, (lease_end - datetime.now(UTC)).total_seconds()) + 0.5)
        done, after = finished(start(t, requests))

        assert code == 1 and f"is being run by {stale['lease_holder']}" in early
        assert done == 0, after
        assert "bulk pull taken over" in after
        for message in (refusal, early):
            assert f"pull {PULL} is being run by pull-" in message and "wait for that run to finish" in message
            assert '"message":"bulk pull refused: another process holds it"' in message
            assert f'"correlation_id":"bulk-{PULL}"' in message
        final = pull_row(t.store_b)
        assert final is not None and final["stage"] == "completed" and not final["lease_live"]

        assert len({key for _, _, key in seen.of("POST", "$bulk-member-match")}) == 1
        assert len(events(t.store_a, "bulk_match.complete", partner_id="payer-b")) == 1
        assert len({e["case_id"] for e in events(t.store_a, "bulk_export.file", partner_id="payer-b")}) == 1
        downloads = Counter(path for _, path, _ in seen.of("GET", "/bulk-files/"))
        assert downloads and set(downloads.values()) == {1}
        for p in PEOPLE[:3]:
            key = member_key_of(t.store_b, f"B-{p.key}")
            assert [r["provenance"] for r in received_for(t.store_b, key)] == [
                f"received from payer payer-a in transfer {PULL}"]  # fmt: skip
            assert len(events(t.store_b, "member_data.ingest", member_key=key)) == 1
        claims = [e["reason_code"] for e in events(t.store_b, "bulk_pull.claim", transfer_id=PULL)]
        assert claims == ["PULL_STARTED", "PULL_IN_PROGRESS", "PULL_IN_PROGRESS", "PULL_TAKEN_OVER"]
        status = CliRunner().invoke(app, ["bulk", "status", PULL], env=as_environment(t.b))
        assert status.exit_code == 0 and "completed" in status.output and "claims" in status.output
        assert CliRunner().invoke(app, ["bulk", "status", "nope"], env=as_environment(t.b)).exit_code == 1
