"""Cluster quality checks on small planted member graphs (no Neo4j)."""

import json
import random
from collections.abc import Sequence

from graph.domain.links import DecidedBy, LinkState
from graph.quality import plan_disputes
from graph.quality_checks import (
    Check,
    Finding,
    MemberGraph,
    MemberLink,
    MustNotLink,
    Thresholds,
    check_member,
    check_members,
)

STRONG = 20.0


def link(a: str, b: str, weight: float | None = STRONG, **kw: object) -> MemberLink:
    return MemberLink(f"{a}-{b}", a, b, weight, **kw)  # type: ignore[arg-type]


def member(
    links: list[MemberLink], never: Sequence[MustNotLink] = (), key: str = "M-1", extra: str = ""
) -> MemberGraph:
    records = {r for x in links for r in (x.left, x.right)} | set(extra)
    return MemberGraph(key, frozenset(records), tuple(links), tuple(never))


def ring(names: str, weight: float = STRONG) -> list[MemberLink]:
    return [link(a, b, weight) for a, b in zip(names, names[1:] + names[0], strict=True)]


def by_check(findings: list[Finding], check: Check) -> list[Finding]:
    return [f for f in findings if f.check == check]


def test_a_clean_cluster_has_no_findings() -> None:
    # A 4-clique of strong links, and a strong star: a hub with single records hanging off it.
    clique = [link(a, b) for a, b in ("ab", "ac", "ad", "bc", "bd", "cd")]
    star = [link("h", leaf, 13.0) for leaf in "xyz"]
    assert check_member(member(clique)) == []
    assert check_member(member(star, key="M-2")) == []
    assert check_member(member([], key="M-3", extra="s")) == []


def test_a_weak_bridge_between_two_groups_is_found() -> None:
    links = [*ring("abc"), *ring("def"), link("c", "d", 10.5)]
    findings = by_check(check_member(member(links)), Check.BRIDGE_LINK)
    assert [(f.link_id, f.record_ids) for f in findings] == [("c-d", ("c", "d"))]
    assert findings[0].member_key == "M-1"
    assert findings[0].evidence == {"match_weight": 10.5, "weak_weight": 12.0}
    assert "10.50" in findings[0].reason


def test_a_strong_bridge_is_not_a_bridge_finding_but_the_threshold_is_configurable() -> None:
    links = [*ring("abc"), *ring("def"), link("c", "d", 15.0)]
    assert by_check(check_member(member(links)), Check.BRIDGE_LINK) == []
    found = by_check(check_member(member(links), Thresholds(weak_weight=16.0)), Check.BRIDGE_LINK)
    assert [f.link_id for f in found] == ["c-d"]


def test_a_weak_bridge_a_steward_confirmed_is_left_alone() -> None:
    links = [*ring("abc"), *ring("def"), link("c", "d", 10.5, decided_by=DecidedBy.STEWARD)]
    assert by_check(check_member(member(links)), Check.BRIDGE_LINK) == []


def test_a_record_holding_two_groups_together_is_found_with_its_weakest_link() -> None:
    # Bow tie: r is the only record shared by triangles a-b-r and c-d-r.
    links = [link("a", "b"), link("a", "r"), link("b", "r"), link("c", "d"), link("c", "r", 14.0), link("d", "r")]
    findings = check_member(member(links))
    assert [f.check for f in findings] == [Check.ARTICULATION_RECORD]
    (found,) = findings
    assert (found.link_id, found.record_ids) == ("c-r", ("r", "c"))
    assert found.evidence["articulation_record"] == "r"
    assert found.evidence["groups_of_two_or_more"] == 2
    assert found.evidence["neighbours"] == ["a", "b", "c", "d"]


def test_a_chain_flags_the_records_that_join_groups_of_two_or_more() -> None:
    # a-b-c-d: b splits {a} from {c, d} and c splits {a, b} from {d}: a group of one each time.
    assert (
        by_check(check_member(member([link("a", "b"), link("b", "c"), link("c", "d")])), Check.ARTICULATION_RECORD)
        == []
    )
    # a-b-c-d-e: c splits {a, b} from {d, e}.
    chain = [link("a", "b"), link("b", "c", 13.0), link("c", "d"), link("d", "e")]
    found = by_check(check_member(member(chain)), Check.ARTICULATION_RECORD)
    assert [(f.record_ids[0], f.link_id) for f in found] == [("c", "b-c")]


def test_an_oversized_cluster_disputes_its_weakest_link_or_bridge() -> None:
    names = "abcdefghijklm"  # 13 records in a ring of strong links: no bridges
    links = ring(names)
    links[5] = link("f", "g", 16.0)
    found = by_check(check_member(member(links)), Check.OVERSIZED_CLUSTER)
    assert [(f.link_id, f.evidence["is_bridge"], f.evidence["record_count"]) for f in found] == [("f-g", False, 13)]
    assert check_member(member(links), Thresholds(max_records=13)) == []

    # Two rings joined by two strong bridges: the weaker bridge is disputed, not the weakest link.
    two = [*ring("abcdef", 14.0), *ring("ghijklm", 14.0), link("a", "g", 19.0), link("n", "a", 18.0)]
    two.append(link("n", "o"))
    found = by_check(check_member(member(two)), Check.OVERSIZED_CLUSTER)
    assert [(f.link_id, f.evidence["is_bridge"]) for f in found] == [("n-a", True)]


def test_a_must_not_link_pair_joined_through_a_chain_disputes_the_weakest_link_on_the_path() -> None:
    links = [link("a", "b"), link("b", "c", 13.0), link("c", "d", 18.0)]
    never = [MustNotLink("d", "a", "different_ssn")]
    found = by_check(check_member(member(links, never)), Check.TRANSITIVE_CONFLICT)
    assert [(f.link_id, f.record_ids) for f in found] == [("b-c", ("a", "b", "c", "d"))]
    assert found[0].evidence["rules"] == ["different_ssn"]
    assert "different_ssn" in found[0].reason


def test_a_steward_retired_pair_counts_as_must_not_link_and_the_shortest_path_is_used() -> None:
    # a and c are joined directly by a strong link and through b by weaker ones: the direct link is the path.
    links = [link("a", "b", 13.0), link("b", "c", 13.0), link("a", "c", 15.0)]
    never = [MustNotLink("a", "c", "steward_retired"), MustNotLink("c", "a", "twins")]
    found = by_check(check_member(member(links, never)), Check.TRANSITIVE_CONFLICT)
    assert [(f.link_id, f.evidence["rules"]) for f in found] == [("a-c", ["steward_retired", "twins"])]


def test_a_must_not_link_pair_in_separate_parts_of_a_member_is_no_transitive_conflict() -> None:
    assert check_member(member([link("a", "b"), link("c", "d")], [MustNotLink("a", "c", "twins")])) == []


def test_steward_decisions_are_picked_last_and_unscored_links_count_as_strongest() -> None:
    links = [
        link("a", "b", 10.0, decided_by=DecidedBy.STEWARD),
        link("b", "c", None),
        link("c", "d", 19.0, state=LinkState.DISPUTED, decided_by=DecidedBy.QUALITY_CHECK),
    ]
    found = check_member(member(links, [MustNotLink("a", "d", "twins")]))
    assert [(f.check, f.link_id) for f in by_check(found, Check.TRANSITIVE_CONFLICT)] == [
        (Check.TRANSITIVE_CONFLICT, "c-d")
    ]


def test_links_to_records_outside_the_member_are_ignored() -> None:
    graph = MemberGraph("M-1", frozenset("abc"), (*ring("abc"), link("c", "z", 10.0)))
    assert check_member(graph) == []


def test_findings_are_deterministic_and_sorted_by_member_then_check() -> None:
    bad = [*ring("abc"), *ring("def"), link("c", "d", 10.5)]
    conflict = [link("p", "q"), link("q", "s", 11.0)]
    members = [member(bad, key="M-2"), member(conflict, [MustNotLink("p", "s", "twins")], key="M-1")]
    first = check_members(members)
    shuffled = [MemberGraph(m.member_key, m.records, tuple(random.Random(7).sample(m.links, len(m.links))), m.must_not_link)
                for m in reversed(members)]  # fmt: skip
    assert check_members(shuffled) == first
    assert [(f.member_key, f.check) for f in first] == [
        ("M-1", Check.TRANSITIVE_CONFLICT),
        ("M-1", Check.BRIDGE_LINK),  # q-s is a weak bridge too
        ("M-2", Check.BRIDGE_LINK),
        ("M-2", Check.ARTICULATION_RECORD),
        ("M-2", Check.ARTICULATION_RECORD),
    ]
    assert {f.link_id for f in first if f.member_key == "M-2"} == {"c-d"}


def test_one_dispute_per_flagged_link_for_its_most_severe_finding_and_none_for_a_disputed_link() -> None:
    bad = [*ring("abc"), *ring("def"), link("c", "d", 10.5), link("x", "y", 11.0, state=LinkState.DISPUTED)]
    findings = check_member(member(bad))
    states = {x.link_id: x.state for x in bad}
    disputes, already = plan_disputes(findings, states)
    assert already == ["x-y"]
    (dispute,) = disputes
    assert (dispute.link_id, dispute.from_state, dispute.to_state) == ("c-d", LinkState.CONFIRMED, LinkState.DISPUTED)
    assert dispute.actor == "quality:BRIDGE_LINK" and dispute.reason.startswith("BRIDGE_LINK: link c-d")
    evidence = json.loads(dispute.evidence)
    assert evidence["also_flagged_by"] == ["ARTICULATION_RECORD"] and evidence["member_key"] == "M-1"
