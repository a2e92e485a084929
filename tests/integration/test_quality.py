"""Cluster quality checks against the real Neo4j: planted bad clusters get disputes, clean ones do not."""

import json
from collections.abc import Sequence
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

import graph.quality
from graph.quality import run_quality_checks
from graph.quality_checks import Check
from graph.store import GraphStore
from p2p.cli.quality_cmd import quality

pytestmark = pytest.mark.integration

STRONG = 20.0

PLANT_MEMBER = """
MERGE (m:Member {member_key: $member_key})
SET m.status = 'active', m.created_at = datetime(), m.created_by = 'test'
WITH m
UNWIND $records AS rid
CREATE (:SourceRecord {record_key: rid + '#planted', record_id: rid})
       -[:IN_MEMBER {since: datetime(), actor: 'test', reason: 'planted'}]->(m)
"""
PLANT_LINKS = """
UNWIND $links AS row
MATCH (a:SourceRecord {record_id: row.left}), (b:SourceRecord {record_id: row.right})
CREATE (l:Link {link_id: row.link_id, pair_key: row.left + '|' + row.right, state: row.state,
                decided_by: row.decided_by, actor: 'test', reason: 'planted', match_weight: row.weight,
                created_at: datetime(), updated_at: datetime()})
CREATE (l)-[:LINKS {side: 'left'}]->(a), (l)-[:LINKS {side: 'right'}]->(b),
       (l)-[:HAS_EVENT]->(:LinkEvent {seq: 1, from_state: null, to_state: row.state, at: datetime(),
                                      actor: 'test', reason: 'planted', evidence: '{}'})
"""
PLANT_MUST_NOT_LINK = """
UNWIND $pairs AS pair
MATCH (a:SourceRecord {record_id: pair[0]}), (b:SourceRecord {record_id: pair[1]})
CREATE (a)-[:MUST_NOT_LINK {rule: 'twins', run_id: 'test', match_weight: 15.0}]->(b)
"""
LINK_STATES = """
MATCH (l:Link)
OPTIONAL MATCH (l)-[:HAS_EVENT]->(e:LinkEvent)
WITH l, e ORDER BY e.seq
RETURN l.link_id AS link_id, l.state AS state, l.decided_by AS decided_by, l.actor AS actor, l.reason AS reason,
       collect(e {.seq, .from_state, .to_state, .actor, .reason, .evidence}) AS events
"""


def run(store: GraphStore, query: str, **params: Any) -> list[dict[str, Any]]:
    records, _, _ = store.driver.execute_query(query, params, database_=store.database)
    return [r.data() for r in records]


def link(a: str, b: str, weight: float = STRONG, state: str = "confirmed", decided_by: str = "model") -> dict[str, Any]:
    return {"link_id": f"{a}-{b}", "left": a, "right": b, "weight": weight, "state": state, "decided_by": decided_by}


def ring(names: Sequence[str], weight: float = STRONG) -> list[dict[str, Any]]:
    return [link(a, b, weight) for a, b in zip(names, [*names[1:], names[0]], strict=True)]


def plant(store: GraphStore, key: str, records: Sequence[str], links: list[dict[str, Any]], never: Sequence[tuple[str, str]] = ()) -> None:  # fmt: skip
    run(store, PLANT_MEMBER, member_key=key, records=list(records))
    run(store, PLANT_LINKS, links=links)
    run(store, PLANT_MUST_NOT_LINK, pairs=[list(p) for p in never])


EXPECTED = {  # the link each planted problem disputes, and the check giving the reason
    "b3-b4": Check.BRIDGE_LINK,
    "c-r": Check.ARTICULATION_RECORD,
    "o06-o07": Check.OVERSIZED_CLUSTER,
    "t2-t3": Check.TRANSITIVE_CONFLICT,
    "s2-s3": Check.TRANSITIVE_CONFLICT,
}


CLIQUE = [("1", "2"), ("1", "3"), ("1", "4"), ("2", "3"), ("2", "4"), ("3", "4")]


@pytest.fixture
def planted(store: GraphStore) -> GraphStore:
    # Two strong triangles joined by one weak link.
    plant(store, "M-bridge", ["b1", "b2", "b3", "b4", "b5", "b6"], [*ring(["b1", "b2", "b3"]), *ring(["b4", "b5", "b6"]), link("b3", "b4", 10.5)])  # fmt: skip
    # Bow tie: r alone holds two strong triangles together; c-r is its weakest link.
    plant(store, "M-bowtie", ["a", "b", "c", "d", "r"],
          [link("a", "b"), link("a", "r"), link("b", "r"), link("c", "d"), link("c", "r", 14.0), link("d", "r")])  # fmt: skip
    # Thirteen records in a strong ring: no bridge, one link weaker than the others.
    big = [f"o{i:02d}" for i in range(1, 14)]
    links = ring(big)
    links[5] = link("o06", "o07", 16.0)
    plant(store, "M-big", big, links)
    # Twins t1 and t3 joined through t2.
    plant(store, "M-twins", ["t1", "t2", "t3"], [link("t1", "t2"), link("t2", "t3", 13.0)], never=[("t3", "t1")])
    # A pair a steward retired (s1-s3), joined again through s2.
    plant(store, "M-retired", ["s1", "s2", "s3"],
          [link("s1", "s2"), link("s2", "s3", 14.0), link("s1", "s3", 30.0, "retired", "steward")])  # fmt: skip
    # A clean member: a strong 4-clique. A weak link to a record of another member does not count.
    plant(store, "M-clean", ["c1", "c2", "c3", "c4"], [link(f"c{x}", f"c{y}") for x, y in CLIQUE])
    run(store, PLANT_LINKS, links=[link("c1", "b1", 10.0)])
    return store


def states(store: GraphStore) -> dict[str, dict[str, Any]]:
    return {row["link_id"]: row for row in run(store, LINK_STATES)}


def test_each_check_finds_its_planted_problem_and_opens_one_dispute(planted: GraphStore) -> None:
    report = run_quality_checks(planted)
    assert report.members_checked == 6
    assert {f.member_key for f in report.findings} == {"M-bridge", "M-bowtie", "M-big", "M-twins", "M-retired"}
    assert {(f.link_id, f.check) for f in report.findings} >= set(EXPECTED.items())
    assert all(report.findings_per_check()[check] >= 1 for check in Check)
    assert report.disputes_opened == len(EXPECTED) == len(report.disputes)
    assert report.already_disputed == []

    after = states(planted)
    for link_id, check in EXPECTED.items():
        row = after[link_id]
        assert (row["state"], row["decided_by"], row["actor"]) == ("disputed", "quality_check", f"quality:{check}")
        first, second = row["events"]
        assert (first["seq"], second["seq"]) == (1, 2)
        assert (second["from_state"], second["to_state"]) == ("confirmed", "disputed")
        assert second["reason"].startswith(f"{check}: ") and row["reason"] == second["reason"]
        evidence = json.loads(second["evidence"])
        assert evidence["check"] == check.value and link_id.split("-")[0] in evidence["record_ids"]
    assert json.loads(after["s2-s3"]["events"][1]["evidence"])["rules"] == ["steward_retired"]
    assert json.loads(after["b3-b4"]["events"][1]["evidence"])["also_flagged_by"] == ["ARTICULATION_RECORD"]
    untouched = {k: v for k, v in after.items() if k not in EXPECTED}
    assert untouched and all(len(row["events"]) == 1 for row in untouched.values())
    clean = [f"c{x}-c{y}" for x, y in CLIQUE] + ["c1-b1"]
    assert {k: untouched[k]["state"] for k in clean} == dict.fromkeys(clean, "confirmed")


def test_running_twice_opens_no_new_disputes(planted: GraphStore) -> None:
    first = run_quality_checks(planted)
    before = states(planted)
    second = run_quality_checks(planted)
    assert second.findings == first.findings
    assert (second.disputes, second.disputes_opened) == ([], 0)
    assert sorted(second.already_disputed) == sorted(EXPECTED)
    assert states(planted) == before


def test_a_dry_run_writes_nothing(planted: GraphStore) -> None:
    before = states(planted)
    report = run_quality_checks(planted, dry_run=True)
    assert {t.link_id for t in report.disputes} == set(EXPECTED)
    assert report.disputes_opened == 0
    assert states(planted) == before


def test_only_the_given_members_are_checked_and_unknown_keys_are_reported(planted: GraphStore) -> None:
    report = run_quality_checks(planted, ["M-twins", "M-clean", "M-nope", "M-twins"])
    assert report.members_checked == 2
    assert report.missing_members == ["M-nope"]
    assert [(f.check, f.link_id) for f in report.findings] == [(Check.TRANSITIVE_CONFLICT, "t2-t3")]
    assert {k for k, v in states(planted).items() if v["state"] == "disputed"} == {"t2-t3"}


def test_members_are_read_in_pages(planted: GraphStore, monkeypatch: pytest.MonkeyPatch) -> None:
    whole = run_quality_checks(planted, dry_run=True)
    monkeypatch.setattr(graph.quality, "MEMBER_PAGE", 2)
    paged = run_quality_checks(planted, dry_run=True)
    assert paged.members_checked == 6
    assert paged.findings == whole.findings


def test_the_cli_prints_the_findings_per_check(planted: GraphStore) -> None:
    app = typer.Typer()
    app.command()(quality)
    result = CliRunner().invoke(app, ["--dry-run", "--max-records", "20"])
    assert result.exit_code == 0, result.output
    assert "TRANSITIVE_CONFLICT" in result.output and "Dry run: 4 disputes would be opened" in result.output
    assert "OVERSIZED_CLUSTER" in result.output
    assert all(row["state"] != "disputed" for row in states(planted).values())
