"""``clustering.cluster`` for a first run of a million records, over numbered records.

Records are numbered by their rank in record-id order, edges and must-not-link pairs are
arrays of those numbers. Without a must-not-link pair inside it, a connected component is
exactly what ``cluster`` makes of it (no edge is ever refused), so components are found all
at once; only the few components holding a must-not-link pair go through ``cluster`` edge by
edge. Member keys are ``cluster``'s for a run with no previous keys: each cluster's key
derives from its smallest record id. The result is ``cluster``'s, record for record and key
for key (tests/unit/test_clustering_arrays.py holds the two together).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from graph.domain.clustering import Edge, cluster, new_member_key

Numbers = npt.NDArray[np.int64]
Edges = tuple[Numbers, Numbers, npt.NDArray[np.float64]]  # left, right, weight: one edge per position
Pairs = tuple[Numbers, Numbers]  # left, right: one must-not-link pair per position


@dataclass(frozen=True)
class NumberedClusters:
    member_of: Numbers  # per record number: the number of its cluster
    keys: list[str]  # per cluster number: its member key

    def sizes(self) -> Numbers:
        return np.bincount(self.member_of, minlength=len(self.keys)).astype(np.int64)


def components(count: int, left: Numbers, right: Numbers) -> Numbers:
    """Per record, the smallest record number of its connected component: roots are hooked
    under smaller roots edge-wise, then every pointer jumps to its root, until no edge joins
    two roots."""
    root = np.arange(count, dtype=np.int64)
    while True:
        a, b = root[left], root[right]
        apart = a != b
        if not apart.any():
            return root
        np.minimum.at(root, np.maximum(a, b)[apart], np.minimum(a, b)[apart])
        while True:
            jumped = root[root]
            if np.array_equal(jumped, root):
                break
            root = jumped


def cluster_numbered(
    record_ids: Sequence[str],
    left: Numbers,
    right: Numbers,
    weights: npt.NDArray[np.float64],
    never_left: Numbers,
    never_right: Numbers,
) -> NumberedClusters:
    """``record_ids`` sorted; edge ``i`` joins records ``left[i]`` and ``right[i]`` with
    ``weights[i]``; must-not-link pairs likewise. What ``cluster`` gives for the same ids."""
    edges, never = (left, right, weights), (never_left, never_right)
    root = components(len(record_ids), left, right)
    split = np.unique(root[never_left][root[never_left] == root[never_right]])
    if split.size:
        root = _cut(record_ids, root, split, edges, never)
    firsts, member_of = np.unique(root, return_inverse=True)  # a cluster's first record is its smallest
    keys = [new_member_key(record_ids[first]) for first in firsts.tolist()]
    if len(set(keys)) < len(keys):  # two first records whose keys collide: cluster's own way settles it
        return _from_cluster(record_ids, edges, never)
    return NumberedClusters(member_of.astype(np.int64), keys)


def _cut(
    record_ids: Sequence[str],
    root: Numbers,
    split: Numbers,
    edges: Edges,
    never: Pairs,
) -> Numbers:
    """The components holding a must-not-link pair, clustered edge by edge: each of their
    records gets the smallest record number of its cluster."""
    left, right, weights = edges
    inside = np.isin(root[left], split)
    pairs = np.isin(root[never[0]], split) & (root[never[0]] == root[never[1]])
    members = np.flatnonzero(np.isin(root, split))
    ids = record_ids
    found = _by_cluster(
        [ids[i] for i in members.tolist()], ids, (left[inside], right[inside], weights[inside]),
        (never[0][pairs], never[1][pairs]),
    )  # fmt: skip
    number = {ids[i]: i for i in members.tolist()}
    smallest: dict[str, int] = {}
    for record, key in found.items():
        smallest[key] = min(smallest.get(key, number[record]), number[record])
    cut = root.copy()
    cut[members] = [smallest[found[ids[i]]] for i in members.tolist()]
    return cut


def _from_cluster(record_ids: Sequence[str], edges: Edges, never: Pairs) -> NumberedClusters:
    found = _by_cluster(list(record_ids), record_ids, edges, never)
    keys = sorted(set(found.values()))
    number = {key: i for i, key in enumerate(keys)}
    return NumberedClusters(np.array([number[found[r]] for r in record_ids], dtype=np.int64), keys)


def _by_cluster(records: list[str], ids: Sequence[str], edges: Edges, never: Pairs) -> dict[str, str]:
    """``cluster`` itself over these records, the numbered edges and pairs named by their ids."""
    left, right, weights = (column.tolist() for column in edges)
    return cluster(
        records,
        [Edge(ids[a], ids[b], w) for a, b, w in zip(left, right, weights, strict=True)],
        must_not_link=[(ids[a], ids[b]) for a, b in zip(never[0].tolist(), never[1].tolist(), strict=True)],
    ).cluster_of
