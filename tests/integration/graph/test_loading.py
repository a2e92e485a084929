"""Loading matching runs into the real Neo4j: idempotence, provenance, supersession, members."""

from __future__ import annotations

import json
from typing import Any

import pytest

from graph.domain.links import LinkState
from graph.loading import load_run
from graph.stewardship import decide_link, link_history
from graph.store import GraphStore
from tests.integration.graph.conftest import RunMaker, pair

pytestmark = pytest.mark.integration


def q(store: GraphStore, cypher: str, **params: Any) -> list[dict[str, Any]]:
    """Test-only inspection of the graph."""
    return [r.data() for r in store.driver.execute_query(cypher, params, database_=store.database).records]


def counts(store: GraphStore) -> dict[str, int]:
    """Nodes and relationships of the identity graph by label (the audit ledger's are left out:
    a test that re-opens a completed run makes the loader record a second load, as it should)."""
    rows = q(
        store,
        "MATCH (n) WHERE NOT any(l IN labels(n) WHERE l STARTS WITH 'Audit') RETURN labels(n)[0] AS label, count(*) AS n",
    )
    rels = q(
        store,
        "MATCH (a)-[r]->() WHERE NOT any(l IN labels(a) WHERE l STARTS WITH 'Audit') RETURN type(r) AS label, count(*) AS n",
    )
    return {r["label"]: r["n"] for r in rows + rels}


def members(store: GraphStore) -> list[list[str]]:
    rows = q(
        store,
        "MATCH (r:SourceRecord)-[x:IN_MEMBER]->(m:Member {status: 'active'}) WHERE x.until IS NULL "
        "RETURN m.member_key AS key, collect(r.record_id) AS ids",
    )
    return sorted(sorted(r["ids"]) for r in rows)


def link_between(store: GraphStore, a: str, b: str) -> dict[str, Any]:
    rows = q(store, "MATCH (l:Link {pair_key: $k}) WHERE l.state <> 'superseded' RETURN l {.*} AS l", k=f"{a}|{b}")
    assert len(rows) == 1, rows
    return dict(rows[0]["l"])


FIRST_RUN = [
    pair("r1", "r2", "confirm", 20.0),
    pair("r2", "r3", "confirm", 15.0),
    pair("r4", "r5", "review", 5.0),
    pair("r1", "r6", "no_link", 8.0, "SAME_BIRTHDAY_SAME_SURNAME_DIFFERENT_FIRST_NAME"),
]


def test_a_run_loads_records_links_with_provenance_and_members(store: GraphStore, make_run: RunMaker) -> None:
    report = load_run(store, make_run("run1", FIRST_RUN))
    assert (report.records, report.links_created, report.already_loaded) == (6, 3, False)
    assert members(store) == [["r1", "r2", "r3"], ["r4"], ["r5"], ["r6"]]
    link = link_between(store, "r1", "r2")
    assert link["state"] == "confirmed" and link["decided_by"] == "model" and link["model_version"] == "model-run1"
    assert link["blocking_rule"] == "SAME_DOB_SAME_ZIP" and json.loads(link["contributions"]) == {
        "mw_dob": 12.0,
        "gamma_dob": 5,
    }
    assert link_between(store, "r4", "r5")["state"] == "candidate"
    assert q(
        store,
        "MATCH (:SourceRecord {record_id:'r1'})-[m:MUST_NOT_LINK]-(:SourceRecord {record_id:'r6'}) RETURN m.rule AS rule",
    )
    assert q(store, "MATCH (r:SourceRecord {record_id: 'r1'}) RETURN r.ssn AS ssn, r.ssn_last4 AS l4") == [
        {"ssn": None, "l4": None}
    ]


def test_loading_the_same_run_twice_changes_nothing(store: GraphStore, make_run: RunMaker) -> None:
    folder = make_run("run1", FIRST_RUN)
    load_run(store, folder)
    before = counts(store)
    again = load_run(store, folder)
    assert again.already_loaded
    assert counts(store) == before


def test_a_crashed_load_can_be_run_again_without_duplicates(store: GraphStore, make_run: RunMaker) -> None:
    folder = make_run("run1", FIRST_RUN)
    load_run(store, folder)
    before = counts(store)
    q(store, "MATCH (r:MatchRun) SET r.status = 'loading'")  # as if the process died before the end
    report = load_run(store, folder)
    assert not report.already_loaded and report.links_created == 3
    assert counts(store) == before


def test_a_new_run_supersedes_model_links_but_spares_stewards(store: GraphStore, make_run: RunMaker) -> None:
    load_run(store, make_run("run1", FIRST_RUN))
    confirmed_by_steward = link_between(store, "r4", "r5")["link_id"]
    decide_link(store, confirmed_by_steward, LinkState.CONFIRMED, "ana", "same card, nickname Bob")
    retired_by_steward = link_between(store, "r2", "r3")["link_id"]
    decide_link(store, retired_by_steward, LinkState.DISPUTED, "ana", "r3 looks like a sister")
    decide_link(store, retired_by_steward, LinkState.RETIRED, "ana", "confirmed with the plan: different person")

    second = [pair("r1", "r2", "review", 9.0), pair("r2", "r3", "confirm", 16.0)]  # r4-r5 no longer linked
    report = load_run(store, make_run("run2", second))
    assert report.transitions == 2  # r1-r2 superseded, r4-r5 disputed

    old = q(store, "MATCH (l:Link {pair_key: 'r1|r2', run_id: 'run1'}) RETURN l.state AS s")[0]["s"]
    assert old == "superseded"
    new = link_between(store, "r1", "r2")
    assert new["state"] == "candidate" and new["run_id"] == "run2"
    assert q(
        store, "MATCH (n:Link {run_id: 'run2', pair_key: 'r1|r2'})-[:SUPERSEDES]->(o:Link) RETURN o.run_id AS r"
    ) == [{"r": "run1"}]

    steward_link = q(
        store, "MATCH (l:Link {link_id: $id}) RETURN l.state AS s, l.decided_by AS d", id=confirmed_by_steward
    )[0]
    assert steward_link == {"s": "disputed", "d": "model"}
    history = link_history(store, confirmed_by_steward)["events"]
    assert [(e["from_state"], e["to_state"]) for e in history] == [
        (None, "candidate"),
        ("candidate", "confirmed"),
        ("confirmed", "disputed"),
    ]
    assert history[1]["actor"] == "steward:ana" and history[1]["reason"] == "same card, nickname Bob"

    retired = q(store, "MATCH (l:Link {link_id: $id}) RETURN l.state AS s", id=retired_by_steward)[0]["s"]
    assert retired == "retired"
    challenger = q(store, "MATCH (l:Link {run_id: 'run2', pair_key: 'r2|r3'}) RETURN l.state AS s")[0]["s"]
    assert challenger == "candidate"  # the model may not undo a steward's retirement on its own


def test_a_changed_record_is_a_new_version_that_takes_over_the_membership(
    store: GraphStore, make_run: RunMaker
) -> None:
    from tests.integration.graph.conftest import RECORDS

    load_run(store, make_run("run1", FIRST_RUN))
    key = q(
        store,
        "MATCH (:SourceRecord {record_id: 'r1'})-[x:IN_MEMBER]->(m) WHERE x.until IS NULL RETURN m.member_key AS k",
    )[0]["k"]
    changed = [dict(r, last_name="Lee-Park") if r["record_id"] == "r1" else r for r in RECORDS]
    load_run(store, make_run("run2", FIRST_RUN, records=changed))
    versions = q(
        store,
        """MATCH (r:SourceRecord {record_id: 'r1'})
                          OPTIONAL MATCH (r)-[x:IN_MEMBER]->(m) WHERE x.until IS NULL
                          RETURN r.last_name AS name, exists { (r)-[:SUPERSEDED_BY]->() } AS old, m.member_key AS member
                          ORDER BY old""",
    )
    assert versions == [{"name": "Lee-Park", "old": False, "member": key}, {"name": "Lee", "old": True, "member": None}]


def test_members_carry_their_current_record_count(store: GraphStore, make_run: RunMaker) -> None:
    load_run(store, make_run("run1", FIRST_RUN))
    rows = q(
        store,
        """MATCH (m:Member {status: 'active'})
                      RETURN m.record_count AS kept, COUNT { (:SourceRecord)-[x:IN_MEMBER]->(m) WHERE x.until IS NULL } AS actual""",
    )
    assert rows and all(r["kept"] == r["actual"] for r in rows)
