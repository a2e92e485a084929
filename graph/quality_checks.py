"""Cluster quality checks: find the links most likely to have joined two people into one member,
so a steward can look at them. Pure: a member's records and links in, findings out (networkx only).

A member's graph is its current records and the confirmed *and disputed* links between them.
Members are recomputed only by the next matching run, so a disputed link still holds the member
together; counting it also keeps every finding (and the link it targets) the same when the checks
run again, which is what lets a second run open no new disputes.

"Weakest" means: links decided by a model before links a steward decided (a person looked at
those), then the lowest match weight (a link without one counts as strongest), then the link id.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import pairwise
from typing import Any

import networkx as nx

from graph.domain.links import DecidedBy, LinkState

# Match weights are log2 Bayes factors. The default auto-confirm bar is log2(0.999 / 0.001) = 9.97,
# so 12 flags a link whose odds are less than 4x those of the weakest link the model may confirm:
# a link that only just made it. An absolute weight, not "the lowest 10%", so the verdict on a
# member does not depend on which other members were checked, and a clean graph yields nothing.
DEFAULT_WEAK_WEIGHT = 12.0
# One person rarely has more than a dozen source records across payers and source systems.
DEFAULT_MAX_RECORDS = 12


class Check(StrEnum):
    """In order of severity: the first check that flags a link gives the reason of its dispute."""

    TRANSITIVE_CONFLICT = "TRANSITIVE_CONFLICT"  # a must-not-link pair joined through a chain of links
    BRIDGE_LINK = "BRIDGE_LINK"  # a weak link that alone joins two groups of records
    ARTICULATION_RECORD = "ARTICULATION_RECORD"  # one record alone holds several groups together
    OVERSIZED_CLUSTER = "OVERSIZED_CLUSTER"  # more records than one person plausibly has


CHECK_ORDER = {check: index for index, check in enumerate(Check)}


@dataclass(frozen=True)
class MemberLink:
    link_id: str
    left: str
    right: str
    match_weight: float | None
    state: LinkState = LinkState.CONFIRMED
    decided_by: DecidedBy = DecidedBy.MODEL

    def rank(self) -> tuple[bool, float, str]:
        weight = math.inf if self.match_weight is None else self.match_weight
        return (self.decided_by == DecidedBy.STEWARD, weight, self.link_id)


@dataclass(frozen=True)
class MustNotLink:
    left: str
    right: str
    rule: str  # the MUST_NOT_LINK rule, or "steward_retired"


@dataclass(frozen=True)
class MemberGraph:
    member_key: str
    records: frozenset[str]
    links: tuple[MemberLink, ...] = ()
    must_not_link: tuple[MustNotLink, ...] = ()


@dataclass(frozen=True)
class Thresholds:
    weak_weight: float = DEFAULT_WEAK_WEIGHT
    max_records: int = DEFAULT_MAX_RECORDS


DEFAULTS = Thresholds()


@dataclass(frozen=True)
class Finding:
    check: Check
    member_key: str
    link_id: str  # the link to dispute
    record_ids: tuple[str, ...]
    reason: str
    evidence: dict[str, Any] = field(default_factory=dict)

    def sort_key(self) -> tuple[str, int, str, tuple[str, ...]]:
        return (self.member_key, CHECK_ORDER[self.check], self.link_id, self.record_ids)


def check_members(members: Iterable[MemberGraph], thresholds: Thresholds = DEFAULTS) -> list[Finding]:
    return sorted((f for member in members for f in check_member(member, thresholds)), key=Finding.sort_key)


def check_member(member: MemberGraph, thresholds: Thresholds = DEFAULTS) -> list[Finding]:
    graph = _graph(member)
    bridges = sorted((_links(graph, u, v)[0] for u, v in nx.bridges(graph)), key=MemberLink.rank)
    findings = [
        *_transitive_conflicts(member, graph),
        *_weak_bridges(member, bridges, thresholds.weak_weight),
        *_articulation_records(member, graph),
        *_oversized(member, graph, bridges, thresholds.max_records),
    ]
    return sorted(findings, key=Finding.sort_key)


def _graph(member: MemberGraph) -> Any:
    graph = nx.MultiGraph()
    graph.add_nodes_from(sorted(member.records))
    for link in sorted(member.links, key=lambda link: link.link_id):
        if link.left != link.right and {link.left, link.right} <= member.records:
            graph.add_edge(link.left, link.right, key=link.link_id, link=link)
    return graph


def _links(graph: Any, u: str, v: str) -> list[MemberLink]:
    return sorted((data["link"] for data in graph[u][v].values()), key=MemberLink.rank)


def _weight(link: MemberLink) -> str:
    return "no score" if link.match_weight is None else f"match weight {link.match_weight:.2f}"


def _finding(
    check: Check,
    member: MemberGraph,
    link: MemberLink,
    record_ids: Iterable[str],
    reason: str,
    evidence: dict[str, Any],
) -> Finding:
    evidence = {"match_weight": link.match_weight, **evidence}
    return Finding(check, member.member_key, link.link_id, tuple(record_ids), reason, evidence)


def _transitive_conflicts(member: MemberGraph, graph: Any) -> list[Finding]:
    rules: dict[tuple[str, str], set[str]] = {}
    for pair in member.must_not_link:
        rules.setdefault((min(pair.left, pair.right), max(pair.left, pair.right)), set()).add(pair.rule)
    findings = []
    for (a, c), rule in sorted(rules.items()):
        if a not in graph or c not in graph or a == c or not nx.has_path(graph, a, c):
            continue
        path: list[str] = nx.shortest_path(graph, a, c)
        weakest = min((link for u, v in pairwise(path) for link in _links(graph, u, v)), key=MemberLink.rank)
        reason = (
            f"records {a} and {c} must not link ({', '.join(sorted(rule))}) yet are joined through "
            f"{len(path) - 1} link(s); weakest on the path: link {weakest.link_id} ({_weight(weakest)})"
        )
        evidence = {"must_not_link": [a, c], "rules": sorted(rule), "path": path}
        findings.append(_finding(Check.TRANSITIVE_CONFLICT, member, weakest, path, reason, evidence))
    return findings


def _weak_bridges(member: MemberGraph, bridges: list[MemberLink], weak_weight: float) -> list[Finding]:
    """Bridges below the weak weight; a link a steward confirmed is not second-guessed here."""
    weak = [
        link
        for link in bridges
        if link.decided_by != DecidedBy.STEWARD and link.match_weight is not None and link.match_weight < weak_weight
    ]
    reason = "link {} ({}, below {:g}) is the only link joining the records on either side of it"
    evidence = {"weak_weight": weak_weight}
    return [
        _finding(
            Check.BRIDGE_LINK,
            member,
            link,
            (link.left, link.right),
            reason.format(link.link_id, _weight(link), weak_weight),
            evidence,
        )
        for link in weak
    ]


def _articulation_records(member: MemberGraph, graph: Any) -> list[Finding]:
    """A record whose removal splits the member into at least two groups of two or more records.
    Groups of one (a hub record with single records hanging off it) are the normal shape of a person
    whose records all matched one record, so they do not count. In a connected graph the groups left
    by removing a record are one per biconnected block containing it; the group behind a block is a
    single record only when the block is one link to a record that is not itself an articulation point."""
    cut = set(nx.articulation_points(graph))
    blocks_of: dict[str, list[frozenset[str]]] = {}
    for block in map(frozenset, nx.biconnected_components(graph)):
        for record in block & cut:
            blocks_of.setdefault(record, []).append(block)
    findings = []
    for record in sorted(cut):
        groups = blocks_of[record]
        large = [block for block in groups if len(block) > 2 or (block - {record}) & cut]
        if len(large) < 2:
            continue
        neighbours = sorted(n for block in large for n in block - {record} if graph.has_edge(record, n))
        weakest = min((link for n in neighbours for link in _links(graph, record, n)), key=MemberLink.rank)
        other = weakest.right if weakest.left == record else weakest.left
        reason = (
            f"record {record} alone holds together {len(large)} groups of two or more records; "
            f"its weakest link into them: link {weakest.link_id} ({_weight(weakest)})"
        )
        evidence = {
            "articulation_record": record,
            "groups": len(groups),
            "groups_of_two_or_more": len(large),
            "neighbours": neighbours,
        }
        findings.append(_finding(Check.ARTICULATION_RECORD, member, weakest, (record, other), reason, evidence))
    return findings


def _oversized(member: MemberGraph, graph: Any, bridges: list[MemberLink], max_records: int) -> list[Finding]:
    if len(member.records) <= max_records or graph.number_of_edges() == 0:
        return []
    every = [data["link"] for _u, _v, data in graph.edges(data=True)]
    weakest = bridges[0] if bridges else min(every, key=MemberLink.rank)
    kind = "bridge" if bridges else "link"
    reason = (
        f"member has {len(member.records)} records (limit {max_records}); "
        f"its weakest {kind}: link {weakest.link_id} ({_weight(weakest)})"
    )
    evidence = {"record_count": len(member.records), "max_records": max_records, "is_bridge": bool(bridges)}
    return [_finding(Check.OVERSIZED_CLUSTER, member, weakest, (weakest.left, weakest.right), reason, evidence)]
