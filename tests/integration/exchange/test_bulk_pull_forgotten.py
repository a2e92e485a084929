"""A previous payer that forgot a job the bulk pull was waiting on (404 or 410 for the match's or the
export's status URL, or for the matched Group at the export's kick-off), against the real Neo4j and a
scripted previous payer: the step is kicked off again once, under a new key (``<pull>-match.r1``), with
a ``bulk_pull.restart`` audit event; a re-kick-off whose answer is lost is sent again under that same
key; a step forgotten a second time fails the pull, and keeps failing it, without a third kick-off."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from audit.search import Criteria
from audit.service import search_events
from exchange.bulk.groups import MATCH_PARAMETERS_EXT
from exchange.bulk.pull import Partner, PullError
from exchange.bulk.pull_job import PullRun, run_pull
from graph.store import GraphStore

pytestmark = pytest.mark.integration
BASE = "https://a.example/fhir"
PARTNER = Partner("payer-a", BASE, lambda: "token")
Call = tuple[str, str, str | None]


class Crash(RuntimeError):
    """Stands for the process dying right after a step was recorded."""


def previous_payer(forget: dict[str, tuple[int, ...]], calls: list[Call]) -> httpx.Client:
    """A previous payer that answers each status in ``forget[what]`` (``match``, ``export``, ``group``)
    once, in order, before answering normally: one member matched, an export of no file."""
    pending = {what: list(statuses) for what, statuses in forget.items()}

    def forgotten(what: str) -> httpx.Response | None:
        return httpx.Response(pending[what].pop(0)) if pending.get(what) else None

    def answer(request: httpx.Request) -> httpx.Response:
        path, key = request.url.path, request.headers.get("Idempotency-Key")
        calls.append((request.method, path, key))
        if path.endswith("$bulk-member-match"):
            return httpx.Response(202, headers={"Content-Location": f"{BASE}/bulk-status/match.{key}"})
        if path.endswith("$davinci-data-export"):
            return forgotten("group") or httpx.Response(
                202, headers={"Content-Location": f"{BASE}/bulk-status/x.{key}"}
            )
        if "/bulk-status/match." in path:
            member = {
                "entity": {
                    "reference": "Patient/A-1",
                    "extension": [{"url": MATCH_PARAMETERS_EXT, "valueReference": {"reference": "#M-1"}}],
                }
            }
            group = {"resourceType": "Group", "id": f"g.{path.split('/bulk-status/match.')[1]}", "member": [member]}
            return forgotten("match") or httpx.Response(
                200, json={"resourceType": "Parameters", "parameter": [{"name": "MatchedMembers", "resource": group}]}
            )
        return forgotten("export") or httpx.Response(200, json={"output": [], "error": []})  # fmt: skip

    return httpx.Client(transport=httpx.MockTransport(answer))


def pull(store: GraphStore, folder: Path, forget: dict[str, tuple[int, ...]], crash_at: str = "",
         calls: list[Call] | None = None) -> list[Call]:  # fmt: skip
    calls = [] if calls is None else calls

    def stop(step: str) -> None:
        if step == crash_at:
            raise Crash(step)

    with previous_payer(forget, calls) as http:
        run_pull(PullRun(store, folder, http, PARTNER, "pull-1", "corr-forgotten", [{"name": "MemberBundle"}],
                         stopped_after=stop))  # fmt: skip
    return calls


def kick_offs(calls: list[Call]) -> list[str | None]:
    return [key for method, _, key in calls if method == "POST"]


def restarts(store: GraphStore) -> list[tuple[str, Any]]:
    found = search_events(store, Criteria(transfer_id="pull-1"), limit=100).events
    return [(e["reason_code"], e["details"]) for e in found if e["action"] == "bulk_pull.restart"]


def test_a_forgotten_match_is_kicked_off_again_under_a_new_key(store: GraphStore, tmp_path: Path) -> None:
    calls = pull(store, tmp_path, {"match": (404,)})
    assert kick_offs(calls) == ["pull-1-match", "pull-1-match.r1", "pull-1-export"]
    assert restarts(store) == [("MATCH_JOB_FORGOTTEN", {"attempt": 2, "status_code": 404, "step": "MATCH"})]
    row = store.read("bulk/pull", {"pull_id": "pull-1"})[0]["pull"]
    assert (row["stage"], row["match_restarts"], row["export_restarts"]) == ("completed", 1, None)


def test_a_gone_group_matches_again_and_a_forgotten_export_is_asked_again(store: GraphStore, tmp_path: Path) -> None:
    calls = pull(store, tmp_path, {"group": (410,), "export": (410,)})
    assert kick_offs(calls) == ["pull-1-match", "pull-1-export", "pull-1-match.r1", "pull-1-export",
                                "pull-1-export.r1"]  # fmt: skip
    assert [reason for reason, _ in restarts(store)] == ["MATCH_GROUP_FORGOTTEN", "EXPORT_JOB_FORGOTTEN"]
    posts = [path for method, path, _ in calls if method == "POST" and "export" in path]
    assert posts[1:] == ["/fhir/Group/g.pull-1-match.r1/$davinci-data-export"] * 2  # the new Group's


def test_a_re_kick_off_whose_answer_was_lost_is_sent_again_under_its_own_key(store: GraphStore, tmp_path: Path) -> None:
    with pytest.raises(Crash):  # the restart is recorded; the process dies before sending the new kick-off
        pull(store, tmp_path, {"match": (404,)}, crash_at="new")
    calls = pull(store, tmp_path, {})
    assert kick_offs(calls) == ["pull-1-match.r1", "pull-1-export"]
    assert len(restarts(store)) == 1


def test_a_step_forgotten_twice_fails_the_pull_and_keeps_failing_it(store: GraphStore, tmp_path: Path) -> None:
    with pytest.raises(PullError) as caught:
        pull(store, tmp_path, {"match": (404, 410)})
    assert caught.value.reason == "job_forgotten" and caught.value.status == 410
    assert "start a new pull" in str(caught.value)
    calls: list[Call] = []
    with pytest.raises(PullError):
        pull(store, tmp_path, {"match": (404,)}, calls=calls)
    assert kick_offs(calls) == []  # it polled the forgotten job again, and stopped
    assert [reason for reason, _ in restarts(store)] == ["MATCH_JOB_FORGOTTEN"]
    assert store.read("bulk/pull", {"pull_id": "pull-1"})[0]["pull"]["stage"] == "matching"
