"""Every steward action, graph load and quality-check dispute writes its audit event with the change."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from audit.domain.context import RequestContext, body_sha256
from audit.keys import AuditKeys
from audit.search import Criteria, search
from audit.service import verify
from graph.domain.links import IllegalTransition, LinkState
from graph.loading import load_run
from graph.quality import run_quality_checks
from graph.quality_checks import Thresholds
from graph.stewardship import StewardError, decide_link, merge, split
from graph.store import GraphStore
from tests.integration.graph.conftest import RunMaker, make_run, pair
from tests.integration.graph.test_loading import counts, link_between
from tests.integration.graph.test_stewardship import member_of

pytestmark = pytest.mark.integration
__all__ = ["make_run"]  # the graph tests' fixture, shared
RUN = [pair("r1", "r2", "confirm", 20.0), pair("r2", "r3", "confirm", 15.0), pair("r4", "r5", "review", 5.0)]
EVER = Criteria(since=datetime(2000, 1, 1, tzinfo=UTC))


def ledger(store: GraphStore) -> list[dict[str, Any]]:
    return search(store, EVER, limit=1000).events


@pytest.fixture
def run_folder(make_run: RunMaker) -> Path:
    return make_run("run1", RUN)


@pytest.fixture
def loaded(store: GraphStore, run_folder: Path) -> GraphStore:
    load_run(store, run_folder)
    return store


def test_a_run_load_is_one_event_with_its_model_version_and_counts(loaded: GraphStore, run_folder: Path) -> None:
    (event,) = ledger(loaded)
    assert (event["actor"], event["action"], event["resource_type"], event["resource_id"], event["outcome"]) == (
        "service:loader", "graph.load_run", "MatchRun", "run1", "success",
    )  # fmt: skip
    assert event["details"] == {"model_version": "model-run1", "records": 6, "links_created": 3, "transitions": 0,
                                "kept": 0, "members": 4, "members_changed": 6}  # fmt: skip
    load_run(loaded, run_folder)
    assert len(ledger(loaded)) == 1  # loading a loaded run again records nothing


@pytest.mark.parametrize(
    ("state", "action", "code"),
    [(LinkState.CONFIRMED, "link.confirm", "LINK_CONFIRMED"), (LinkState.RETIRED, "link.retire", "LINK_RETIRED")],
)
def test_a_link_decision_is_one_event_naming_steward_link_members_and_bodies(
    loaded: GraphStore, state: LinkState, action: str, code: str
) -> None:
    link_id = link_between(loaded, "r4", "r5")["link_id"]
    before = sorted({member_of(loaded, "r4"), member_of(loaded, "r5")})
    context = RequestContext(correlation_id="corr-steward-1", client_id="console-7", role="senior_steward")
    result = decide_link(loaded, link_id, state, "ana", "called the member", context=context)
    event = ledger(loaded)[-1]
    assert (event["actor"], event["actor_role"], event["actor_client_id"]) == ("steward:ana", "senior_steward",
                                                                               "console-7")  # fmt: skip
    assert (event["action"], event["resource_id"], event["reason_code"], event["correlation_id"]) == (
        action, link_id, code, "corr-steward-1",
    )  # fmt: skip
    assert set(event["member_keys"]) == set(before) | set(result.members)
    assert event["details"] == {"from_state": "CANDIDATE", "to_state": state.value.upper(), "links_moved": 1}
    assert event["request_sha256"] == body_sha256({"action": action, "link_id": link_id, "to_state": state.value,
                                                   "steward": "ana", "reason": "called the member"})  # fmt: skip
    assert event["response_sha256"] == body_sha256(result.body())
    assert "called the member" not in str(event)  # the free-text reason stays in the link history


def test_split_and_merge_are_one_event_each(loaded: GraphStore) -> None:
    member = member_of(loaded, "r1")
    result = split(loaded, member, ["r3"], "ana", "different people")
    split_event = ledger(loaded)[-1]
    assert (split_event["action"], split_event["resource_id"], split_event["reason_code"]) == (
        "member.split", member, "MEMBER_SPLIT",
    )  # fmt: skip
    assert set(result.members) <= set(split_event["member_keys"])
    assert split_event["details"] == {"links_moved": 1, "records_moved": 1, "members_after": 2}
    merged = merge(loaded, [member_of(loaded, "r4"), member_of(loaded, "r5")], "ben", "same person")
    merge_event = ledger(loaded)[-1]
    assert (merge_event["action"], merge_event["reason_code"]) == ("member.merge", "MEMBER_MERGED")
    assert set(merged.members) <= set(merge_event["member_keys"])
    assert [e["action"] for e in ledger(loaded)] == ["graph.load_run", "member.split", "member.merge"]


def test_a_refused_action_changes_nothing_and_its_attempt_is_recorded(loaded: GraphStore, keys: AuditKeys) -> None:
    link_id = link_between(loaded, "r1", "r2")["link_id"]
    graph_before = counts(loaded)
    with pytest.raises(IllegalTransition):
        decide_link(loaded, link_id, LinkState.CANDIDATE, "ana", "undo")
    with pytest.raises(StewardError):
        split(loaded, "M-unknown", ["r1"], "ana", "why not")
    with pytest.raises(StewardError):
        decide_link(loaded, "no such link!", LinkState.CONFIRMED, "ana", "typo")
    assert counts(loaded) == graph_before
    refused = ledger(loaded)[1:]
    assert [(e["outcome"], e["reason_code"]) for e in refused] == [
        ("refused", "ILLEGAL_TRANSITION"), ("refused", "UNKNOWN_MEMBER"), ("refused", "UNKNOWN_LINK"),
    ]  # fmt: skip
    assert refused[2]["resource_id"].startswith("sha256:")  # free text given as an id is never stored as is
    assert verify(loaded, keys).ok


def test_each_dispute_a_quality_check_opens_is_one_event(store: GraphStore, make_run: RunMaker) -> None:
    oversized = [pair(f"r{i}", f"r{i + 1}", "confirm", 20.0) for i in range(1, 6)]
    load_run(store, make_run("run1", oversized))

    report = run_quality_checks(store, thresholds=Thresholds(max_records=3))
    assert report.disputes_opened > 0
    disputes = [e for e in ledger(store) if e["action"] == "link.dispute"]
    assert len(disputes) == report.disputes_opened
    assert {e["actor"] for e in disputes} == {"service:quality-check"}
    assert all(e["reason_code"] in {"OVERSIZED_CLUSTER", "BRIDGE_LINK", "ARTICULATION_RECORD"} for e in disputes)
    assert all(e["member_keys"] and e["details"] == {"from_state": "CONFIRMED", "to_state": "DISPUTED"}
               for e in disputes)  # fmt: skip
    again = run_quality_checks(store, thresholds=Thresholds(max_records=3))
    assert again.disputes_opened == 0 and len([e for e in ledger(store) if e["action"] == "link.dispute"]) == len(
        disputes
    )
