"""Steward actions against the real Neo4j: transitions, split, merge, lineage and routing."""

from __future__ import annotations

import pytest

from graph.domain.links import ALLOWED, IllegalTransition, LinkState
from graph.domain.routing import HoldReason
from graph.loading import load_run
from graph.stewardship import StewardError, decide_link, link_history, merge, routing_decision, split
from graph.store import GraphStore
from tests.integration.graph.conftest import RunMaker, pair
from tests.integration.graph.test_loading import link_between, members, q

pytestmark = pytest.mark.integration

RUN = [pair("r1", "r2", "confirm", 20.0), pair("r2", "r3", "confirm", 15.0), pair("r4", "r5", "review", 5.0)]


@pytest.fixture
def loaded(store: GraphStore, make_run: RunMaker) -> GraphStore:
    load_run(store, make_run("run1", RUN))
    return store


def member_of(store: GraphStore, record_id: str) -> str:
    rows = q(
        store,
        "MATCH (:SourceRecord {record_id: $r})-[x:IN_MEMBER]->(m) WHERE x.until IS NULL RETURN m.member_key AS k",
        r=record_id,
    )
    return str(rows[0]["k"])


def put_in_state(store: GraphStore, link_id: str, state: LinkState) -> None:
    """Walk a candidate link to ``state`` through allowed steward moves."""
    path = {
        LinkState.CANDIDATE: [],
        LinkState.CONFIRMED: [LinkState.CONFIRMED],
        LinkState.DISPUTED: [LinkState.CONFIRMED, LinkState.DISPUTED],
        LinkState.RETIRED: [LinkState.RETIRED],
        LinkState.SUPERSEDED: None,
    }[state]
    assert path is not None
    for step in path:
        decide_link(store, link_id, step, "ana", f"to {step}")


STEWARD_MOVES = [
    (c, w) for c, ws in ALLOWED.items() for w in ws if c is not LinkState.SUPERSEDED and w is not LinkState.SUPERSEDED
]
REFUSED = [(c, w) for c in (LinkState.CANDIDATE, LinkState.CONFIRMED, LinkState.DISPUTED, LinkState.RETIRED)
           for w in LinkState if w not in ALLOWED[c]]  # fmt: skip


@pytest.mark.parametrize(("start", "wanted"), STEWARD_MOVES)
def test_every_allowed_steward_transition_is_applied_and_recorded(
    loaded: GraphStore, start: LinkState, wanted: LinkState
) -> None:
    link_id = link_between(loaded, "r4", "r5")["link_id"]
    put_in_state(loaded, link_id, start)
    decide_link(loaded, link_id, wanted, "ben", "checked with the member")
    history = link_history(loaded, link_id)
    assert history["link"]["state"] == wanted.value and history["link"]["decided_by"] == "steward"
    last = history["events"][-1]
    assert (last["from_state"], last["to_state"], last["actor"], last["reason"]) == (
        start.value,
        wanted.value,
        "steward:ben",
        "checked with the member",
    )
    together = member_of(loaded, "r4") == member_of(loaded, "r5")
    assert together == (wanted in (LinkState.CONFIRMED, LinkState.DISPUTED))  # a dispute holds until retired


@pytest.mark.parametrize(("start", "wanted"), REFUSED)
def test_every_other_transition_is_refused_and_changes_nothing(
    loaded: GraphStore, start: LinkState, wanted: LinkState
) -> None:
    link_id = link_between(loaded, "r4", "r5")["link_id"]
    put_in_state(loaded, link_id, start)
    before = link_history(loaded, link_id)
    with pytest.raises(IllegalTransition):
        decide_link(loaded, link_id, wanted, "ben", "try")
    assert link_history(loaded, link_id) == before


def test_actions_need_a_steward_and_a_reason(loaded: GraphStore) -> None:
    link_id = link_between(loaded, "r4", "r5")["link_id"]
    with pytest.raises(StewardError, match="reason"):
        decide_link(loaded, link_id, LinkState.CONFIRMED, "ana", " ")
    with pytest.raises(StewardError, match="steward"):
        decide_link(loaded, link_id, LinkState.CONFIRMED, "", "ok")
    with pytest.raises(StewardError, match="no link"):
        decide_link(loaded, "nope", LinkState.CONFIRMED, "ana", "ok")


def test_split_moves_records_to_a_new_member_and_keeps_lineage(loaded: GraphStore) -> None:
    old_key = member_of(loaded, "r1")
    result = split(loaded, old_key, ["r3"], "ana", "r3 is the twin sister")
    assert members(loaded)[0] == ["r1", "r2"] and ["r3"] in members(loaded)
    new_key = member_of(loaded, "r3")
    assert new_key != old_key and member_of(loaded, "r1") == old_key
    assert q(
        loaded,
        "MATCH (:Member {member_key: $n})-[s:SPLIT_FROM]->(:Member {member_key: $o}) RETURN s.reason AS r",
        n=new_key,
        o=old_key,
    ) == [{"r": "r3 is the twin sister"}]
    past = q(
        loaded,
        "MATCH (:SourceRecord {record_id: 'r3'})-[x:IN_MEMBER]->(m) WHERE x.until IS NOT NULL RETURN m.member_key AS k",
    )
    assert past == [{"k": old_key}]
    retired = link_between(loaded, "r2", "r3")
    assert retired["state"] == "retired" and retired["decided_by"] == "steward"
    assert [t.to_state for t in result.transitions] == [LinkState.DISPUTED, LinkState.RETIRED]


def test_a_split_survives_the_next_model_run(loaded: GraphStore, make_run: RunMaker) -> None:
    split(loaded, member_of(loaded, "r1"), ["r3"], "ana", "twin")
    load_run(loaded, make_run("run2", RUN))
    assert member_of(loaded, "r3") != member_of(loaded, "r2")


def test_merge_joins_members_and_the_retired_key_redirects(loaded: GraphStore) -> None:
    a, b = member_of(loaded, "r4"), member_of(loaded, "r5")
    merge(loaded, [a, b], "ana", "same person per enrollment call")
    assert member_of(loaded, "r4") == member_of(loaded, "r5")
    survivor = member_of(loaded, "r4")
    retired = b if survivor == a else a
    decision = routing_decision(loaded, retired)
    assert decision.member_key == survivor and decision.redirected


def test_merge_is_refused_across_a_must_not_link_pair(loaded: GraphStore) -> None:
    q(
        loaded,
        "MATCH (a:SourceRecord {record_id:'r4'}), (b:SourceRecord {record_id:'r6'}) CREATE (a)-[:MUST_NOT_LINK {rule: 'DIFFERENT_FULL_SSN'}]->(b)",
    )
    with pytest.raises(StewardError, match="must not link"):
        merge(loaded, [member_of(loaded, "r4"), member_of(loaded, "r6")], "ana", "looks alike")


def test_split_input_is_checked(loaded: GraphStore) -> None:
    key = member_of(loaded, "r1")
    with pytest.raises(StewardError, match="both sides"):
        split(loaded, key, ["r1", "r2", "r3"], "ana", "all")
    with pytest.raises(StewardError, match="not in member"):
        split(loaded, key, ["r6"], "ana", "wrong")


def test_routing_holds_members_with_open_identity_questions(loaded: GraphStore) -> None:
    confirmed = routing_decision(loaded, member_of(loaded, "r1"))
    assert confirmed.routable and confirmed.reasons == ()
    held = routing_decision(loaded, member_of(loaded, "r4"))
    assert not held.routable and held.reasons == (HoldReason.CANDIDATE_LINK,)
    assert held.open_links[0].state == "candidate"
    assert routing_decision(loaded, "M-unknown").reasons == (HoldReason.MEMBER_UNKNOWN,)
    decide_link(loaded, link_between(loaded, "r1", "r2")["link_id"], LinkState.DISPUTED, "ana", "call back")
    assert routing_decision(loaded, member_of(loaded, "r1")).reasons == (HoldReason.DISPUTED_LINK,)


def test_a_steward_confirmation_overrides_the_models_must_not_link_rule(store: GraphStore, make_run: RunMaker) -> None:
    # the model scored r1-r3 high but a rule (e.g. related-name twins) kept it for review
    flagged = pair("r1", "r3", "review", 25.0, "TWINS_DIFFERENT_MIDDLE_NAME")
    load_run(store, make_run("run1", [pair("r1", "r2", "confirm", 20.0), flagged]))
    assert member_of(store, "r1") != member_of(store, "r3")
    link_id = link_between(store, "r1", "r3")["link_id"]
    decide_link(store, link_id, LinkState.CONFIRMED, "ana", "called the member: Anne is Ann, no twin")
    assert member_of(store, "r1") == member_of(store, "r2") == member_of(store, "r3")
