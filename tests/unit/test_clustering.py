from graph.domain.clustering import Edge, cluster, new_member_key


def test_linked_records_form_one_cluster_and_singletons_stay_alone() -> None:
    result = cluster(["a", "b", "c", "d"], [Edge("a", "b", 10), Edge("b", "c", 8)])
    groups = sorted(result.members().values())
    assert groups == [["a", "b", "c"], ["d"]]


def test_twins_do_not_merge_through_a_chain_of_links() -> None:
    # a and c are twins (must not link); b is a record that looks like both.
    result = cluster(["a", "b", "c"], [Edge("a", "b", 12), Edge("b", "c", 9)], must_not_link=[("a", "c")])
    assert result.cluster_of["a"] == result.cluster_of["b"] != result.cluster_of["c"]
    assert result.skipped_edges == [Edge("b", "c", 9)]


def test_the_stronger_link_wins_a_must_not_link_conflict() -> None:
    result = cluster(["a", "b", "c"], [Edge("a", "b", 5), Edge("b", "c", 9)], must_not_link=[("a", "c")])
    assert result.cluster_of["b"] == result.cluster_of["c"] != result.cluster_of["a"]


def test_result_does_not_depend_on_edge_order() -> None:
    edges = [Edge("a", "b", 7), Edge("c", "d", 7), Edge("b", "c", 7), Edge("d", "e", 3)]
    forward = cluster("abcde", edges, must_not_link=[("a", "e")])
    backward = cluster("abcde", list(reversed(edges)), must_not_link=[("a", "e")])
    assert forward.cluster_of == backward.cluster_of


def test_member_keys_survive_a_rerun_that_changes_clusters() -> None:
    first = cluster("abcd", [Edge("a", "b", 9), Edge("c", "d", 9)])
    # Next run: d joins a new record e; a-b unchanged; c now alone.
    second = cluster("abcde", [Edge("a", "b", 9), Edge("d", "e", 9)], previous_keys=first.cluster_of)
    assert second.cluster_of["a"] == first.cluster_of["a"]
    kept = first.cluster_of["c"]  # c and d shared a key; it goes to one of their new clusters, not both
    assert [second.cluster_of["c"], second.cluster_of["d"]].count(kept) == 1


def test_new_keys_are_deterministic_and_opaque() -> None:
    assert new_member_key("payer-a-123") == new_member_key("payer-a-123")
    assert "payer-a" not in new_member_key("payer-a-123")
    assert cluster(["x"], []).cluster_of == {"x": new_member_key("x")}


def test_a_record_leaving_the_cluster_that_took_its_key_gets_a_key_of_its_own() -> None:
    # b's natural key was kept by the {a, b} cluster; when b leaves, the keys must not collide.
    before = {"a": new_member_key("b"), "b": new_member_key("b")}
    after = cluster(["a", "b"], [], previous_keys=before)
    assert after.cluster_of["a"] != after.cluster_of["b"]
    assert new_member_key("b") in after.cluster_of.values()


def test_reserved_keys_are_never_given_to_a_new_cluster() -> None:
    retired = new_member_key("x")
    result = cluster(["x"], [], reserved=frozenset({retired}))
    assert result.cluster_of["x"] != retired
