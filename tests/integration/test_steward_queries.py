"""The data steward's saved queries (cypher/steward/) against a small identity graph planted
here, shaped as docs/identity-graph.md describes, and their README kept in step with them.

The planted graph (weights in brackets; "~" = a confirmed link, "?" = candidate, "!" = disputed):

    M-ALICE  R-A1 ~ R-A2 [12, steward, on R-A2's old version], R-A2 ~ R-A3 [11], R-A1 ~ R-A3 [4, weak
             but in a cycle; it superseded a run-1 link], R-A3 ~ R-A4 [2.5, weak pendant bridge]
    M-BOB    R-B1 ~ R-B2 [15] ~ R-B3 ~ R-B4 [14], R-B2 ~ R-B3 [3, weak bridge, no pendant record]
    M-OLDER -> M-OLD -> M-ALICE (retired keys; R-A4 was in M-OLDER, then M-OLD; R-A3 in M-OLD)
    M-CAROL  R-C1, split from M-ALICE by a steward;   M-CARL R-C2;   R-C1 ! R-C2 [7]
    M-EVE    R-E1;   R-A4 ? R-E1 [6];   M-F1 R-F1 ? M-F2 R-F2 [9];   R-E1 - R-F1 superseded by run-3
    run-1, run-2 complete; run-3 still loading
    transfers held for M-EVE and for the retired key M-OLDER, one held for M-BOB (nothing blocks
    it) and one already sent
"""

from __future__ import annotations

import ast
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from graph.review_queue import rank_all_open_links
from graph.store import GraphStore
from p2p.settings import PROJECT_ROOT

pytestmark = pytest.mark.integration

README = PROJECT_ROOT / "cypher" / "steward" / "README.md"

T0 = datetime(2025, 1, 10, 9, 0, tzinfo=UTC)  # run-1
T1 = datetime(2025, 2, 1, 14, 0, tzinfo=UTC)  # steward review, M-OLDER merged into M-OLD
T2 = datetime(2025, 2, 15, 10, 0, tzinfo=UTC)  # steward split of Carol
T3 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)  # run-2
T4 = datetime(2025, 3, 5, 9, 0, tzinfo=UTC)  # run-3 (still loading)
MIN = timedelta(minutes=1)


def _record(record_id: str, payer: str, member_id: str, first: str, last: str, dob: str, version: str = "v1") -> dict:
    return {
        "record_key": f"{record_id}#{version}",
        "record_id": record_id,
        "payer_id": payer,
        "source_system": f"{payer}-core",
        "member_id": member_id,
        "first_name": first,
        "last_name": last,
        "dob": dob,
    }


RECORDS = [
    _record("R-A1", "P1", "P1-100", "Alice", "Smith", "1980-01-02"),
    _record("R-A2", "P2", "P2-200", "Alicia", "Smith", "1980-01-02"),
    _record("R-A2", "P2", "P2-200", "Alicia", "Smith-Jones", "1980-01-02", version="v2"),
    _record("R-A3", "P1", "P1-101", "Alice", "Smith", "1980-01-02"),
    _record("R-A4", "P2", "P2-201", "A.", "Smith", "1980-01-02"),
    _record("R-B1", "P1", "P1-300", "Robert", "Brown", "1975-07-30"),
    _record("R-B2", "P2", "P2-300", "Bob", "Brown", "1975-07-30"),
    _record("R-B3", "P1", "P1-301", "Bob", "Brown", "1975-07-30"),
    _record("R-B4", "P2", "P2-301", "Robert", "Brown", "1975-07-30"),
    _record("R-C1", "P1", "P1-400", "Carol", "Smith", "1982-05-05"),
    _record("R-C2", "P2", "P2-400", "Carol", "Smith", "1982-05-05"),
    _record("R-E1", "P2", "P2-500", "Eve", "Adams", "1990-11-11"),
    _record("R-F1", "P1", "P1-600", "Frank", "Lee", "1966-03-03"),
    _record("R-F2", "P2", "P2-600", "Frank", "Lee", "1966-03-03"),
]
SUPERSEDED = [("R-A2#v1", "R-A2#v2")]

MEMBERS = [
    {"member_key": "M-ALICE", "status": "active", "created_at": T0},
    {"member_key": "M-BOB", "status": "active", "created_at": T0},
    {"member_key": "M-CAROL", "status": "active", "created_at": T2},
    {"member_key": "M-CARL", "status": "active", "created_at": T0},
    {"member_key": "M-EVE", "status": "active", "created_at": T0},
    {"member_key": "M-F1", "status": "active", "created_at": T0},
    {"member_key": "M-F2", "status": "active", "created_at": T0},
    {"member_key": "M-OLD", "status": "retired", "created_at": T0, "retired_at": T3 + 20 * MIN,
     "retired_by": "model:v2", "retire_reason": "matching run run-2"},
    {"member_key": "M-OLDER", "status": "retired", "created_at": T0, "retired_at": T1,
     "retired_by": "steward:jo", "retire_reason": "merge"},
]  # fmt: skip

RUN1, RUN2 = "matching run run-1", "matching run run-2"


def _in(
    key: str, member: str, since: datetime, reason: str = RUN1, until: datetime | None = None, **closed: str
) -> dict:
    return {"record_key": key, "member_key": member, "since": since, "until": until, "reason": reason, **closed}


MEMBERSHIPS = [
    _in("R-A1#v1", "M-ALICE", T0),
    _in("R-A2#v1", "M-ALICE", T0),  # the loader leaves membership on the version it was assigned to
    _in("R-A3#v1", "M-OLD", T0, until=T3 + 20 * MIN, closed_by="model:v2", close_reason=RUN2),
    _in("R-A3#v1", "M-ALICE", T3 + 20 * MIN, RUN2),
    _in("R-A4#v1", "M-OLDER", T0, until=T1, closed_by="steward:jo", close_reason="merge"),
    _in("R-A4#v1", "M-OLD", T1, "merge", until=T3 + 20 * MIN, closed_by="model:v2", close_reason=RUN2),
    _in("R-A4#v1", "M-ALICE", T3 + 20 * MIN, RUN2),
    _in("R-C1#v1", "M-ALICE", T0, until=T2, closed_by="steward:jo", close_reason="split: a different person"),
    _in("R-C1#v1", "M-CAROL", T2, "split: a different person"),
    _in("R-C2#v1", "M-CARL", T0),
    *(_in(f"R-B{i}#v1", "M-BOB", T0) for i in range(1, 5)),
    _in("R-E1#v1", "M-EVE", T0),
    _in("R-F1#v1", "M-F1", T0),
    _in("R-F2#v1", "M-F2", T0),
]
REDIRECTS = [
    {"old": "M-OLDER", "new": "M-OLD", "at": T1, "actor": "steward:jo", "reason": "merge"},
    {"old": "M-OLD", "new": "M-ALICE", "at": T3 + 20 * MIN, "actor": "model:v2", "reason": RUN2},
]
SPLITS = [
    {"child": "M-CAROL", "parent": "M-ALICE", "at": T2, "actor": "steward:jo", "reason": "Carol is Alice's sister"}
]
MUST_NOT_LINK = [
    {"left": "R-A1#v1", "right": "R-C1#v1", "rule": "different_ssn", "run_id": "run-1", "match_weight": 13.0}
]


def _event(seq: int, from_state: str | None, to_state: str, at: datetime, actor: str, reason: str) -> dict:
    return {"seq": seq, "from_state": from_state, "to_state": to_state, "at": at, "actor": actor, "reason": reason,
            "evidence": json.dumps({"seq": seq})}  # fmt: skip


def _link(
    link_id: str,
    left: str,
    right: str,
    state: str,
    weight: float,
    run: int,
    events: list[dict],
    supersedes: str | None = None,
) -> dict:
    created = T0 + 5 * MIN if run == 1 else T3 + 5 * MIN
    last = events[-1]
    decided_by = "steward" if last["actor"].startswith("steward:") else "model"
    return {
        "link_id": link_id, "left": left, "right": right, "state": state, "decided_by": decided_by,
        "actor": last["actor"], "reason": last["reason"], "run_id": f"run-{run}", "model_version": f"v{run}",
        "match_weight": weight, "match_probability": round(1 / (1 + 2 ** -weight), 4),
        "contributions": json.dumps({"mw_dob": 4.1, "mw_last_name": 3.2, "gamma_dob": 3, "gamma_last_name": 2}),
        "blocking_rule": "dob_and_last_name", "must_not_link": None, "created_at": created,
        "updated_at": last["at"], "events": events, "supersedes": supersedes,
    }  # fmt: skip


def _created(state: str, run: int) -> dict:
    at = T0 + 5 * MIN if run == 1 else T3 + 5 * MIN
    decision = "confirm" if state == "confirmed" else "review"
    return _event(1, None, state, at, f"run:run-{run}", f"{decision} by model:v{run}")


LINKS = [
    _link("L-A1A2", "R-A1#v1", "R-A2#v1", "confirmed", 12.0, 1, [
        _created("candidate", 1), _event(2, "candidate", "confirmed", T1, "steward:jo", "same address and phone")]),
    _link("L-A2A3", "R-A2#v2", "R-A3#v1", "confirmed", 11.0, 2, [_created("confirmed", 2)]),
    _link("L-A1A3-old", "R-A1#v1", "R-A3#v1", "superseded", 4.5, 1, [
        _created("confirmed", 1),
        _event(2, "confirmed", "superseded", T3 + 10 * MIN, "model:v2", "replaced by model:v2")]),
    _link("L-A1A3", "R-A1#v1", "R-A3#v1", "confirmed", 4.0, 2, [_created("confirmed", 2)], supersedes="L-A1A3-old"),
    _link("L-A3A4", "R-A3#v1", "R-A4#v1", "confirmed", 2.5, 2, [_created("confirmed", 2)]),
    _link("L-B1B2", "R-B1#v1", "R-B2#v1", "confirmed", 15.0, 1, [_created("confirmed", 1)]),
    _link("L-B2B3", "R-B2#v1", "R-B3#v1", "confirmed", 3.0, 1, [_created("confirmed", 1)]),
    _link("L-B3B4", "R-B3#v1", "R-B4#v1", "confirmed", 14.0, 1, [_created("confirmed", 1)]),
    _link("L-C1C2", "R-C1#v1", "R-C2#v1", "disputed", 7.0, 1, [
        _created("candidate", 1),
        _event(2, "candidate", "confirmed", T1 + 60 * MIN, "steward:jo", "same SSN last 4 and address"),
        _event(3, "confirmed", "disputed", T3 + 10 * MIN, "model:v2",
               "model:v2 does not link this steward-confirmed pair")]),
    _link("L-A4E1", "R-A4#v1", "R-E1#v1", "candidate", 6.0, 2, [_created("candidate", 2)]),
    _link("L-F1F2", "R-F1#v1", "R-F2#v1", "candidate", 9.0, 2, [_created("candidate", 2)]),
    _link("L-E1F1", "R-E1#v1", "R-F1#v1", "superseded", 5.5, 1, [
        _created("candidate", 1), _event(2, "candidate", "superseded", T4 + 5 * MIN, "model:v3", "not linked by model:v3")]),
]  # fmt: skip

RUNS = [
    {"run_id": "run-1", "model_version": "v1", "status": "complete", "started_at": T0, "loaded_at": T0 + 10 * MIN,
     "links_created": 8, "transitions": 0},
    {"run_id": "run-2", "model_version": "v2", "status": "complete", "started_at": T3, "loaded_at": T3 + 30 * MIN,
     "links_created": 5, "transitions": 2},
    {"run_id": "run-3", "model_version": "v3", "status": "loading", "started_at": T4, "loaded_at": None,
     "links_created": None, "transitions": None},
]  # fmt: skip

TRANSFERS = [
    {"transfer_id": "T-EVE", "state": "held_for_identity", "correlation_id": "c-1", "created_at": T4, "member": "M-EVE"},
    {"transfer_id": "T-OLDER", "state": "held_for_identity", "correlation_id": "c-2", "created_at": T3,
     "member": "M-OLDER"},
    {"transfer_id": "T-BOB", "state": "held_for_identity", "correlation_id": "c-3", "created_at": T4 + 60 * MIN,
     "member": "M-BOB"},
    {"transfer_id": "T-SENT", "state": "sent", "correlation_id": "c-4", "created_at": T2, "member": "M-BOB"},
]  # fmt: skip

# Test fixture setup only: production code runs named .cypher files, never inline Cypher.
PLANT = [
    ("UNWIND $rows AS row CREATE (r:SourceRecord) SET r = row, r.created_at = $at", {"rows": RECORDS, "at": T0}),
    (
        "UNWIND $rows AS row MATCH (a:SourceRecord {record_key: row[0]}), (b:SourceRecord {record_key: row[1]}) "
        "CREATE (a)-[:SUPERSEDED_BY {run_id: 'run-2'}]->(b)",
        {"rows": SUPERSEDED},
    ),
    ("UNWIND $rows AS row CREATE (m:Member) SET m = row, m.created_by = 'model:v1'", {"rows": MEMBERS}),
    (
        "UNWIND $rows AS row MATCH (r:SourceRecord {record_key: row.record_key}), (m:Member {member_key: row.member_key}) "
        "CREATE (r)-[x:IN_MEMBER]->(m) SET x = row { .since, .until, .reason, .closed_by, .close_reason }, "
        "x.actor = 'model:v1'",
        {"rows": MEMBERSHIPS},
    ),
    (
        "UNWIND $rows AS row MATCH (a:Member {member_key: row.old}), (b:Member {member_key: row.new}) "
        "CREATE (a)-[:REDIRECTS_TO {at: row.at, actor: row.actor, reason: row.reason}]->(b)",
        {"rows": REDIRECTS},
    ),
    (
        "UNWIND $rows AS row MATCH (c:Member {member_key: row.child}), (p:Member {member_key: row.parent}) "
        "CREATE (c)-[:SPLIT_FROM {at: row.at, actor: row.actor, reason: row.reason}]->(p)",
        {"rows": SPLITS},
    ),
    (
        "UNWIND $rows AS row MATCH (a:SourceRecord {record_key: row.left}), (b:SourceRecord {record_key: row.right}) "
        "CREATE (a)-[:MUST_NOT_LINK {rule: row.rule, run_id: row.run_id, match_weight: row.match_weight}]->(b)",
        {"rows": MUST_NOT_LINK},
    ),
    (
        # Events are written newest first, so the queries must order them by seq, not by chance.
        "UNWIND $rows AS row "
        "MATCH (a:SourceRecord {record_key: row.left}), (b:SourceRecord {record_key: row.right}) "
        "CREATE (l:Link) SET l = row { .link_id, .state, .decided_by, .actor, .reason, .run_id, .model_version, "
        "  .match_weight, .match_probability, .contributions, .blocking_rule, .must_not_link, .created_at, "
        "  .updated_at }, l.pair_key = a.record_id + '|' + b.record_id "
        "CREATE (l)-[:LINKS {side: 'left'}]->(a), (l)-[:LINKS {side: 'right'}]->(b) "
        "WITH l, row UNWIND reverse(row.events) AS e "
        "CREATE (l)-[:HAS_EVENT]->(ev:LinkEvent) SET ev = e",
        {"rows": LINKS},
    ),
    (
        "UNWIND $rows AS row MATCH (new:Link {link_id: row.link_id}), (old:Link {link_id: row.supersedes}) "
        "CREATE (new)-[:SUPERSEDES]->(old)",
        {"rows": [link for link in LINKS if link["supersedes"]]},
    ),
    ("UNWIND $rows AS row CREATE (r:MatchRun) SET r = row", {"rows": RUNS}),
]
PLANT_TRANSFERS = (
    "UNWIND $rows AS row MATCH (m:Member {member_key: row.member}) "
    "CREATE (t:Transfer)-[:FOR_MEMBER]->(m) SET t = row { .transfer_id, .state, .correlation_id, .created_at }",
    {"rows": TRANSFERS},
)


def plant(store: GraphStore, *, transfers: bool = True) -> None:
    for text, params in [*PLANT, *([PLANT_TRANSFERS] if transfers else [])]:
        store.driver.execute_query(text, params, database_=store.database)
    # as every load and steward action does: members carry their current record count
    keys = [
        r["k"]
        for r in store.driver.execute_query(
            "MATCH (m:Member) RETURN m.member_key AS k", database_=store.database
        ).records
    ]
    store.write("identity/refresh_member_counts", {"member_keys": keys})
    rank_all_open_links(store)  # and every open link its place in the steward queue


@pytest.fixture
def graph(store: GraphStore) -> GraphStore:
    plant(store)
    return store


# --- the README ------------------------------------------------------------------------------


def steward_files() -> list[str]:
    return sorted(p.stem for p in (PROJECT_ROOT / "cypher" / "steward").glob("*.cypher"))


def documented() -> dict[str, dict[str, str]]:
    """README sections (`### <name>.cypher`) -> {parameter: example value as written}."""
    sections: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    for line in README.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^###\s+`?([a-z0-9_]+)\.cypher`?", line)
        if heading:
            current = sections.setdefault(heading.group(1), {})
            continue
        if line.startswith("#"):
            current = None
            continue
        row = re.match(r"^\|\s*`\$([A-Za-z_][A-Za-z0-9_]*)`\s*\|\s*`([^`]+)`\s*\|", line)
        if row and current is not None:
            current[row.group(1)] = row.group(2)
    return sections


def readme_params(name: str) -> dict[str, Any]:
    return {param: ast.literal_eval(example) for param, example in documented()[name].items()}


def test_every_steward_file_is_documented_with_exactly_its_parameters(store: GraphStore) -> None:
    files, docs = steward_files(), documented()
    assert len(files) >= 7
    assert sorted(docs) == files, "README sections and .cypher files differ"
    for name in files:
        query = store.queries(f"steward/{name}")
        assert query.mode == "read", f"{name} must be read-only"
        assert set(docs[name]) == query.declared_params, f"README parameters of {name} differ from its Params header"
        assert query.declared_params == query.used_params


def test_every_file_runs_with_the_readme_example_values(graph: GraphStore) -> None:
    for name in steward_files():
        graph.read(f"steward/{name}", readme_params(name))  # read routing: a write would be refused


# --- 1. why are these two records linked -------------------------------------------------------


def test_why_linked_shows_the_link_its_history_in_order_and_both_records(graph: GraphStore) -> None:
    rows = graph.read("steward/why_linked", {"left_record_id": "R-C2", "right_record_id": "R-C1"})
    assert len(rows) == 1
    row = rows[0]
    assert row["link_id"] == "L-C1C2"
    assert (row["state"], row["decided_by"], row["actor"]) == ("disputed", "model", "model:v2")
    assert (row["run_id"], row["model_version"], row["match_weight"]) == ("run-1", "v1", 7.0)
    assert row["blocking_rule"] == "dob_and_last_name" and row["must_not_link"] is None
    assert json.loads(row["contributions"])["mw_dob"] == 4.1
    assert [e["seq"] for e in row["events"]] == [1, 2, 3]
    assert [(e["from_state"], e["to_state"]) for e in row["events"]] == [
        (None, "candidate"), ("candidate", "confirmed"), ("confirmed", "disputed")
    ]  # fmt: skip
    assert row["events"][1]["actor"] == "steward:jo"
    assert (row["left"]["record_id"], row["left"]["payer_id"], row["left"]["members"]) == ("R-C2", "P2", ["M-CARL"])
    assert (row["right"]["record_id"], row["right"]["member_id"], row["right"]["members"]) == (
        "R-C1", "P1-400", ["M-CAROL"]
    )  # fmt: skip
    assert row["left"]["first_name"] == row["right"]["first_name"] == "Carol"
    assert row["left"]["dob"] == row["right"]["dob"] == "1982-05-05"


def test_why_linked_lists_every_link_of_the_pair_newest_first_with_supersession(graph: GraphStore) -> None:
    rows = graph.read("steward/why_linked", {"left_record_id": "R-A1", "right_record_id": "R-A3"})
    assert [(r["link_id"], r["state"]) for r in rows] == [("L-A1A3", "confirmed"), ("L-A1A3-old", "superseded")]
    assert rows[0]["supersedes"] == ["L-A1A3-old"] and rows[1]["superseded_by"] == ["L-A1A3"]
    assert [e["to_state"] for e in rows[1]["events"]] == ["confirmed", "superseded"]


def test_why_linked_shows_the_record_now_and_the_version_the_link_was_decided_on(graph: GraphStore) -> None:
    [row] = graph.read("steward/why_linked", {"left_record_id": "R-A2", "right_record_id": "R-A1"})
    assert row["link_id"] == "L-A1A2" and row["decided_by"] == "steward"
    assert row["left"]["last_name"] == "Smith-Jones" and row["left"]["members"] == ["M-ALICE"]
    assert row["left_linked_as"]["last_name"] == "Smith"
    assert row["right_linked_as"] is None


def test_why_linked_without_a_link_still_shows_both_records_and_never_link_rules(graph: GraphStore) -> None:
    [row] = graph.read("steward/why_linked", {"left_record_id": "R-A1", "right_record_id": "R-C1"})
    assert row["link_id"] is None and row["events"] == []
    assert (row["left"]["first_name"], row["right"]["first_name"]) == ("Alice", "Carol")
    assert row["never_link_rules"] == ["different_ssn"]


# --- 2. lineage of a member -------------------------------------------------------------------


def test_lineage_of_a_retired_key_lands_on_the_successor_with_its_past(graph: GraphStore) -> None:
    [row] = graph.read("steward/member_lineage", {"member_key": "M-OLDER"})
    assert row["asked_key"] == "M-OLDER"
    assert row["redirect_chain"] == ["M-OLDER", "M-OLD", "M-ALICE"]
    assert (row["member_key"], row["status"], row["record_count"]) == ("M-ALICE", "active", 4)
    current = {r["record_id"]: r for r in row["current_records"]}
    assert sorted(current) == ["R-A1", "R-A2", "R-A3", "R-A4"]
    assert current["R-A2"]["last_name"] == "Smith-Jones"  # the record as it is now
    assert current["R-A4"]["reason"] == RUN2
    past = {(p["record_id"], p["member_key"]): p for p in row["past_records"]}
    assert set(past) == {("R-A3", "M-OLD"), ("R-A4", "M-OLD"), ("R-A4", "M-OLDER"), ("R-C1", "M-ALICE")}
    assert past[("R-C1", "M-ALICE")]["now_in"] == ["M-CAROL"]
    assert past[("R-C1", "M-ALICE")]["close_reason"] == "split: a different person"
    assert past[("R-A4", "M-OLDER")]["until"] is not None and past[("R-A4", "M-OLDER")]["now_in"] == ["M-ALICE"]
    assert [(r["member_key"], r["hops"], r["redirects_to"]) for r in row["redirected_from"]] == [
        ("M-OLD", 1, "M-ALICE"), ("M-OLDER", 2, "M-OLD")
    ]  # fmt: skip
    assert [s["member_key"] for s in row["split_off"]] == ["M-CAROL"] and row["split_from"] == []
    links = [(link["link_id"], link["match_weight"]) for link in row["confirmed_links"]]
    assert links == [("L-A3A4", 2.5), ("L-A1A3", 4.0), ("L-A2A3", 11.0), ("L-A1A2", 12.0)]


def test_lineage_of_a_split_member_and_of_an_unknown_key(graph: GraphStore) -> None:
    [row] = graph.read("steward/member_lineage", {"member_key": "M-CAROL"})
    assert row["redirect_chain"] == ["M-CAROL"] and row["member_key"] == "M-CAROL"
    assert [s["member_key"] for s in row["split_from"]] == ["M-ALICE"]
    assert row["split_from"][0]["actor"] == "steward:jo"
    assert [r["record_id"] for r in row["current_records"]] == ["R-C1"]
    assert row["confirmed_links"] == [] and row["past_records"] == []
    assert graph.read("steward/member_lineage", {"member_key": "M-NOBODY"}) == []


# --- 3. disputed links --------------------------------------------------------------------------


def test_disputed_links_lists_exactly_the_disputed_link_with_both_records(graph: GraphStore) -> None:
    rows = graph.read("steward/disputed_links", {"limit": 50})
    assert [r["link_id"] for r in rows] == ["L-C1C2"]
    row = rows[0]
    assert row["actor"] == "model:v2" and "does not link" in row["reason"] and row["updated_at"] is not None
    assert row["confirmed_by"]["actor"] == "steward:jo"
    assert (row["left"]["record_id"], row["right"]["record_id"]) == ("R-C1", "R-C2")
    assert (row["left"]["members"], row["right"]["members"]) == (["M-CAROL"], ["M-CARL"])
    assert row["left"]["changed_since_link"] is False


def test_disputed_links_newest_first_and_limited(graph: GraphStore) -> None:
    graph.driver.execute_query(
        "MATCH (l:Link {link_id: 'L-A1A2'}) SET l.state = 'disputed', l.updated_at = $at",
        {"at": T4},
        database_=graph.database,
    )
    assert [r["link_id"] for r in graph.read("steward/disputed_links", {"limit": 10})] == ["L-A1A2", "L-C1C2"]
    assert [r["link_id"] for r in graph.read("steward/disputed_links", {"limit": 1})] == ["L-A1A2"]
    [a1a2] = graph.read("steward/disputed_links", {"limit": 1})
    assert a1a2["right"]["last_name"] == "Smith-Jones" and a1a2["right"]["changed_since_link"] is True


# --- 4. weak bridges --------------------------------------------------------------------------


def test_weak_bridges_finds_the_weak_pendant_and_the_weak_inner_bridge_only(graph: GraphStore) -> None:
    rows = graph.read("steward/weak_bridges", {"max_weight": 5.0, "limit": 10})
    assert [(r["member_key"], r["link_id"], r["match_weight"]) for r in rows] == [
        ("M-ALICE", "L-A3A4", 2.5), ("M-BOB", "L-B2B3", 3.0)
    ]  # fmt: skip
    alice, bob = rows
    assert alice["record_count"] == 4 and alice["pendant"] is True
    assert (alice["left"], alice["right"], alice["left_side_records"], alice["right_side_records"]) == (
        "R-A3", "R-A4", 3, 1
    )  # fmt: skip
    assert bob["pendant"] is False and (bob["left_side_records"], bob["right_side_records"]) == (2, 2)
    # L-A1A3 is weak (4.0) but in a cycle: through R-A2, whose two links sit on different versions.
    assert "L-A1A3" not in {r["link_id"] for r in rows}


def test_weak_bridges_threshold_and_limit(graph: GraphStore) -> None:
    strong = graph.read("steward/weak_bridges", {"max_weight": 20.0, "limit": 10})
    assert [r["link_id"] for r in strong] == ["L-A3A4", "L-B2B3", "L-B3B4", "L-B1B2"]
    assert graph.read("steward/weak_bridges", {"max_weight": 2.0, "limit": 10}) == []
    assert [r["link_id"] for r in graph.read("steward/weak_bridges", {"max_weight": 5.0, "limit": 1})] == ["L-A3A4"]


# --- 5. the last model run --------------------------------------------------------------------


def test_last_run_changes_counts_what_run_2_created_and_moved(graph: GraphStore) -> None:
    [row] = graph.read("steward/last_run_changes", {"limit": 3})
    assert (row["run_id"], row["model_version"]) == ("run-2", "v2")  # run-3 is still loading
    assert row["counts"] == [
        {"change": "created", "state": "candidate", "links": 2},
        {"change": "created", "state": "confirmed", "links": 3},
        {"change": "moved", "state": "disputed", "links": 1},
        {"change": "moved", "state": "superseded", "links": 1},
    ]
    assert len(row["sample"]) == 3
    assert (row["sample"][0]["link_id"], row["sample"][0]["change"]) == ("L-C1C2", "moved")
    assert [s["link_id"] for s in row["sample"][1:]] == ["L-A4E1", "L-F1F2"]
    [everything] = graph.read("steward/last_run_changes", {"limit": 100})
    ids = {s["link_id"] for s in everything["sample"]}
    assert ids == {"L-C1C2", "L-A4E1", "L-F1F2", "L-A2A3", "L-A1A3", "L-A3A4", "L-A1A3-old"}
    assert "L-E1F1" not in ids  # moved by run-3, after run-2 was loaded


def test_last_run_changes_without_a_complete_run_returns_nothing(store: GraphStore) -> None:
    assert store.read("steward/last_run_changes", {"limit": 5}) == []


# --- 6. transfers waiting on identity ---------------------------------------------------------


def test_held_transfers_list_the_member_and_the_blocking_links(graph: GraphStore) -> None:
    rows = graph.read("steward/held_transfers", {"limit": 10})
    assert [r["transfer_id"] for r in rows] == ["T-OLDER", "T-EVE", "T-BOB"]  # oldest first; T-SENT is not held
    older, eve, bob = rows
    assert (older["member_key"], older["current_member_key"], older["record_count"]) == ("M-OLDER", "M-ALICE", 4)
    assert [link["link_id"] for link in older["blocking_links"]] == ["L-A4E1"]
    assert (older["blocking_links"][0]["record"], older["blocking_links"][0]["other_record"]) == ("R-A4", "R-E1")
    assert older["blocking_links"][0]["other_members"] == ["M-EVE"]
    assert (eve["current_member_key"], eve["correlation_id"]) == ("M-EVE", "c-1")
    assert [(link["link_id"], link["state"]) for link in eve["blocking_links"]] == [("L-A4E1", "candidate")]
    assert bob["blocking_links"] == []  # held, but nothing blocks it
    assert [r["transfer_id"] for r in graph.read("steward/held_transfers", {"limit": 1})] == ["T-OLDER"]


def test_held_transfers_and_the_queue_run_on_a_graph_without_transfers(store: GraphStore) -> None:
    plant(store, transfers=False)
    assert store.read("steward/held_transfers", {"limit": 10}) == []
    queue = store.read("steward/review_queue", {"limit": 10})
    assert [r["held_transfers"] for r in queue] == [0, 0, 0]


# --- 7. the steward queue ---------------------------------------------------------------------


def test_review_queue_ranks_by_member_size_and_held_transfers_then_weight(graph: GraphStore) -> None:
    rows = graph.read("steward/review_queue", {"limit": 10})
    assert [r["link_id"] for r in rows] == ["L-A4E1", "L-F1F2", "L-C1C2"]
    top = rows[0]
    assert (top["member_size"], top["held_transfers"], top["impact"]) == (5, 2, 7)
    assert top["record_ids"] == ["R-A4", "R-E1"]
    assert top["members"] == [
        {"member_key": "M-ALICE", "records": 4, "held_transfers": 1},  # T-OLDER, made for a key that redirects here
        {"member_key": "M-EVE", "records": 1, "held_transfers": 1},
    ]
    assert (top["left"]["record_id"], top["right"]["first_name"]) == ("R-A4", "Eve")
    # equal impact (2): the likelier match first
    assert [(r["impact"], r["match_weight"]) for r in rows[1:]] == [(2, 9.0), (2, 7.0)]
    assert rows[2]["state"] == "disputed"
    assert [r["link_id"] for r in graph.read("steward/review_queue", {"limit": 1})] == ["L-A4E1"]
