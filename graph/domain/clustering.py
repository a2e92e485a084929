"""Clusters of linked records into persons, with must-not-link constraints and member keys
that stay stable across model versions.

Edges are taken strongest first (ties broken by record ids, so the result does not depend
on input order); an edge that would put a must-not-link pair in one cluster is skipped and
reported. This is what stops twins and family members from merging through a chain of
links (A-B, B-C where A and C must not link).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Edge:
    left: str
    right: str
    weight: float


@dataclass
class Clustering:
    cluster_of: dict[str, str]  # record id -> member key
    skipped_edges: list[Edge] = field(default_factory=list)  # refused by a must-not-link constraint

    def members(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for record, key in sorted(self.cluster_of.items()):
            out.setdefault(key, []).append(record)
        return out


class _Components:
    def __init__(self, records: Iterable[str]) -> None:
        self.parent = {r: r for r in records}
        self.items: dict[str, set[str]] = {r: {r} for r in self.parent}

    def find(self, record: str) -> str:
        root = record
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[record] != root:
            self.parent[record], record = root, self.parent[record]
        return root

    def union(self, a: str, b: str) -> None:
        if len(self.items[a]) < len(self.items[b]):
            a, b = b, a
        self.parent[b] = a
        self.items[a] |= self.items.pop(b)


def cluster(
    records: Iterable[str],
    edges: Iterable[Edge],
    must_not_link: Iterable[tuple[str, str]] = (),
    previous_keys: Mapping[str, str] | None = None,
    reserved: frozenset[str] = frozenset(),
) -> Clustering:
    """Connected components of ``edges`` under the constraints. ``previous_keys`` (record id ->
    member key from the last run) lets a cluster keep the key most of its records had;
    ``reserved`` keys (retired members, say) are never handed to a new cluster."""
    components = _Components(records)
    forbidden: dict[str, set[str]] = {}
    for a, b in must_not_link:
        forbidden.setdefault(a, set()).add(b)
        forbidden.setdefault(b, set()).add(a)
    skipped = []
    for edge in sorted(edges, key=lambda e: (-e.weight, e.left, e.right)):
        ra, rb = components.find(edge.left), components.find(edge.right)
        if ra == rb:
            continue
        small, large = sorted((components.items[ra], components.items[rb]), key=len)
        if any(forbidden.get(r, set()) & large for r in small):
            skipped.append(edge)
            continue
        components.union(ra, rb)
    groups = [sorted(members) for members in components.items.values()]
    return Clustering(cluster_of=_assign_keys(groups, previous_keys or {}, reserved), skipped_edges=skipped)


def new_member_key(first_record: str) -> str:
    """A key for a new cluster, derived from its smallest record id (stable, not guessable)."""
    return "M-" + hashlib.sha256(first_record.encode()).hexdigest()[:16]


def _assign_keys(groups: list[list[str]], previous: Mapping[str, str], reserved: frozenset[str]) -> dict[str, str]:
    """Each previous key goes to the cluster holding most of its records (ties: the cluster
    with the smallest first record); every other cluster gets a new key."""
    claims: list[tuple[int, str, str]] = []  # (-records carrying the key, first record, key)
    for group in groups:
        for key, count in Counter(previous[r] for r in group if r in previous).items():
            claims.append((-count, group[0], key))
    owner: dict[str, str] = {}  # first record of a group -> key
    taken: set[str] = set()
    for _neg, first, key in sorted(claims):
        if key not in taken and first not in owner:
            owner[first] = key
            taken.add(key)
    in_use = set(previous.values()) | taken | reserved
    cluster_of: dict[str, str] = {}
    for group in groups:
        key = owner.get(group[0]) or _fresh_key(group[0], in_use)
        in_use.add(key)
        for record in group:
            cluster_of[record] = key
    return cluster_of


def _fresh_key(first_record: str, in_use: set[str]) -> str:
    """A new key that no other member holds (a record's natural key may already be taken by
    the cluster it used to be part of)."""
    key, attempt = new_member_key(first_record), 1
    while key in in_use:
        key, attempt = new_member_key(f"{first_record}#{attempt}"), attempt + 1
    return key
