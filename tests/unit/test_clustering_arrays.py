"""Clustering numbered records gives what ``clustering.cluster`` gives, record for record and
key for key, on random graphs with ties, chains and must-not-link pairs."""

from __future__ import annotations

import random

import numpy as np
import pytest

from graph.domain import clustering, clustering_arrays
from graph.domain.clustering import Edge, cluster
from graph.domain.clustering_arrays import cluster_numbered, components


def _numbered(ids: list[str], edges: list[Edge], never: list[tuple[str, str]]) -> dict[str, str]:
    number = {r: i for i, r in enumerate(ids)}
    found = cluster_numbered(
        ids,
        np.array([number[e.left] for e in edges], dtype=np.int64),
        np.array([number[e.right] for e in edges], dtype=np.int64),
        np.array([e.weight for e in edges], dtype=np.float64),
        np.array([number[a] for a, _ in never], dtype=np.int64),
        np.array([number[b] for _, b in never], dtype=np.int64),
    )
    assert found.sizes().sum() == len(ids)
    return {r: found.keys[m] for r, m in zip(ids, found.member_of.tolist(), strict=True)}


def _random_graph(seed: int) -> tuple[list[str], list[Edge], list[tuple[str, str]]]:
    rng = random.Random(seed)
    count = rng.randint(1, 300)
    ids = sorted({f"r{rng.randint(0, 10**6):07d}" for _ in range(count)})
    edges = []
    for _ in range(rng.randint(0, 2 * len(ids))):
        a, b = sorted(rng.sample(ids, 2)) if len(ids) > 1 else (ids[0], ids[0])
        edges.append(Edge(a, b, float(rng.choice([1, 2, 3, 5.5, 1e6]))))  # few weights: many ties
    never = [tuple(rng.sample(ids, 2)) for _ in range(rng.randint(0, len(ids) // 5))] if len(ids) > 1 else []
    return ids, edges, never  # type: ignore[return-value]


@pytest.mark.parametrize("seed", range(200))
def test_same_clusters_and_keys_as_cluster_on_random_graphs(seed: int) -> None:
    ids, edges, never = _random_graph(seed)
    assert _numbered(ids, edges, never) == cluster(ids, edges, must_not_link=never).cluster_of


def test_a_chain_through_a_must_not_link_pair_is_cut_where_cluster_cuts_it() -> None:
    ids = ["a", "b", "c", "d", "e"]
    edges = [Edge("a", "b", 9), Edge("b", "c", 3), Edge("c", "d", 8), Edge("d", "e", 1)]
    expected = cluster(ids, edges, must_not_link=[("a", "d")]).cluster_of
    got = _numbered(ids, edges, [("a", "d")])
    assert got == expected
    assert got["a"] == got["b"] and got["c"] == got["d"] == got["e"] and got["a"] != got["c"]  # the weakest bridge goes


def test_records_without_edges_are_clusters_of_their_own() -> None:
    got = _numbered(["x", "y", "z"], [], [])
    assert len(set(got.values())) == 3 and got["x"] == clustering.new_member_key("x")


def test_colliding_keys_are_settled_as_cluster_settles_them(monkeypatch: pytest.MonkeyPatch) -> None:
    def by_first_letter(first_record: str) -> str:  # every record starting with the same letter collides
        return "M-" + first_record[0] + ("#" if "#" in first_record else "") + first_record.partition("#")[2]

    monkeypatch.setattr(clustering, "new_member_key", by_first_letter)
    monkeypatch.setattr(clustering_arrays, "new_member_key", by_first_letter)
    ids = ["a1", "a2", "a3", "b1", "b2"]
    edges = [Edge("a2", "b2", 2.0)]
    got = _numbered(ids, edges, [])
    assert got == cluster(ids, edges).cluster_of
    assert len(set(got.values())) == 4


def test_components_are_labelled_by_their_smallest_record() -> None:
    left = np.array([5, 3, 1, 6], dtype=np.int64)
    right = np.array([4, 5, 2, 7], dtype=np.int64)
    assert components(8, left, right).tolist() == [0, 1, 1, 3, 3, 3, 6, 6]


def test_a_long_chain_in_reverse_order_is_one_component() -> None:
    count = 10_000
    left = np.arange(count - 2, -1, -1, dtype=np.int64)
    assert set(components(count, left, left + 1).tolist()) == {0}
