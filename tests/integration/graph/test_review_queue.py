"""The steward queue read from its index stays in the order its definition gives, on real Neo4j,
through loads, held transfers, steward actions and a later run.

The definition (cypher/steward/review_queue.cypher): open links by impact (current records of
the link's members, each member once, plus the transfers held for them, a retired key's
counting for its successor), then by match weight (none last), then by link id. ``definition``
below computes it from scratch by reading every open link, which is what the queue did
before it kept its order on the links.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from exchange.domain.transfer import Move, TransferState
from exchange.transfers import repository
from graph.domain.links import LinkState
from graph.loading import load_run
from graph.review_queue import rank_all_open_links
from graph.run_rows import link_id_for
from graph.stewardship import decide_link, merge, split
from graph.store import GraphStore
from tests.integration.graph.conftest import RECORDS, RunMaker, pair, record

pytestmark = pytest.mark.integration

RECORDS_7 = [*RECORDS, record("r7", "Di", "Wu", "1985-03-03")]
RUN1 = [
    pair("r1", "r2", "confirm", 20.0),
    pair("r2", "r3", "confirm", 15.0),  # member of r1, r2, r3
    pair("r3", "r6", "review", 4.0),  # impact 3 + 1
    pair("r5", "r6", "review", 9.0),  # impact 1 + 1, likelier than r4-r5
    pair("r4", "r5", "review", 5.0),  # impact 1 + 1
    pair("r6", "r7", "review", 1.0),  # impact 1 + 1, least likely
]

DEFINITION = """
MATCH (l:Link) WHERE l.state IN ['candidate', 'disputed']
MATCH (x:SourceRecord)<-[:LINKS]-(l)-[:LINKS]->(y:SourceRecord) WHERE x.record_id < y.record_id
CALL (x, y) {
  MATCH (v:SourceRecord)-[im:IN_MEMBER]->(m:Member)
  WHERE v.record_id IN [x.record_id, y.record_id] AND im.until IS NULL
  WITH DISTINCT m
  RETURN sum(coalesce(m.record_count, 0)) + sum(COUNT {
    MATCH (t:Transfer)-[:FOR_MEMBER]->(:Member)-[:REDIRECTS_TO*0..20]->(m)
    WHERE t.state = 'held_for_identity' RETURN DISTINCT t
  }) AS impact
}
RETURN l.link_id AS link_id, impact
ORDER BY impact DESC, l.match_weight IS NULL, l.match_weight DESC, l.link_id
"""


def lid(left: str, right: str, run_id: str = "run1") -> str:
    return link_id_for(run_id, (left, right))


def definition(store: GraphStore) -> list[tuple[str, int]]:
    found = store.driver.execute_query(DEFINITION, database_=store.database)
    return [(r["link_id"], r["impact"]) for r in found.records]


def queue(store: GraphStore, limit: int = 100) -> list[tuple[str, int]]:
    rows = store.read("steward/review_queue", {"limit": limit})
    assert all(r["impact"] == r["member_size"] + r["held_transfers"] for r in rows)
    return [(r["link_id"], r["impact"]) for r in rows]


def assert_in_order(store: GraphStore) -> list[tuple[str, int]]:
    """The indexed queue equals the definition, whole and cut at every length."""
    expected = definition(store)
    assert queue(store) == expected
    for limit in range(1, len(expected)):
        assert queue(store, limit) == expected[:limit]
    return expected


def member_of(store: GraphStore, record_id: str) -> str:
    found = store.driver.execute_query(
        "MATCH (:SourceRecord {record_id: $r})-[x:IN_MEMBER]->(m) WHERE x.until IS NULL RETURN m.member_key AS k",
        {"r": record_id},
        database_=store.database,
    )
    return str(found.records[0]["k"])


AT = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def held_transfer(store: GraphStore, transfer_id: str, member_key: str) -> dict[str, Any]:
    """A transfer for the member, moved into held_for_identity as the worker moves it."""
    current = {"transfer_id": transfer_id, "intent_key": transfer_id, "state": "received", "member_key": member_key,
               "partner_id": "payer-x", "correlation_id": f"c-{transfer_id}", "created_at": repository.stamp(AT)}  # fmt: skip
    history = {"from_state": None, "to_state": "received", "owner": "service", "reason": "received",
               "actor": "service:test", "at": repository.stamp(AT), "seq": 1}  # fmt: skip
    move = Move(TransferState.RECEIVED, TransferState.HELD_FOR_IDENTITY, "identity_open_link", "service:worker")

    def work(tx: Any) -> None:
        tx.write("transfers/create_transfer", {"transfer": current, "history": history})
        repository.move_in(tx, current, (move,), AT)

    store.in_write_transaction(work)
    return current


def release(store: GraphStore, current: dict[str, Any]) -> None:
    move = Move(TransferState.HELD_FOR_IDENTITY, TransferState.IDENTITY_PENDING, "identity_settled", "service:worker")
    store.in_write_transaction(lambda tx: repository.move_in(tx, current, (move,), AT))


@pytest.fixture
def loaded(store: GraphStore, make_run: RunMaker) -> GraphStore:
    load_run(store, make_run("run1", RUN1, RECORDS_7))
    return store


def test_a_loaded_run_is_queued_by_impact_then_weight(loaded: GraphStore) -> None:
    assert assert_in_order(loaded) == [
        (lid("r3", "r6"), 4),  # the member of three records first
        (lid("r5", "r6"), 2),
        (lid("r4", "r5"), 2),
        (lid("r6", "r7"), 2),
    ]


def test_held_transfers_lift_their_members_links_and_drop_back_when_released(loaded: GraphStore) -> None:
    held = [held_transfer(loaded, f"T-{n}", member_of(loaded, "r4")) for n in range(3)]
    assert assert_in_order(loaded)[0] == (lid("r4", "r5"), 5)  # 1 + 1 records + 3 transfers held for r4's member
    for current in held:
        release(loaded, current)
    assert assert_in_order(loaded)[0] == (lid("r3", "r6"), 4)
    assert dict(queue(loaded))[lid("r4", "r5")] == 2


def test_the_queue_follows_every_steward_action(loaded: GraphStore) -> None:
    held_transfer(loaded, "T-1", member_of(loaded, "r7"))
    assert assert_in_order(loaded)[:2] == [(lid("r3", "r6"), 4), (lid("r6", "r7"), 3)]
    # confirm: r3-r6 leaves the queue, r6 joins the big member, so its other links grow
    decide_link(loaded, lid("r3", "r6"), LinkState.CONFIRMED, "ana", "same person")
    assert assert_in_order(loaded) == [(lid("r6", "r7"), 6), (lid("r5", "r6"), 5), (lid("r4", "r5"), 2)]
    # merge r7's member (with its held transfer) into the big one: whichever key survives, the
    # transfer counts for the merged member (5 records + 1), and r5-r6 now reaches it too
    merge(loaded, [member_of(loaded, "r1"), member_of(loaded, "r7")], "ana", "same household record")
    assert assert_in_order(loaded)[:2] == [(lid("r5", "r6"), 7), (lid("r6", "r7"), 6)]
    # split r6 and r7 off again
    split(loaded, member_of(loaded, "r1"), ["r6", "r7"], "ana", "different people")
    assert_in_order(loaded)
    # dispute a confirmed link: it enters the queue; retire it: it leaves
    decide_link(loaded, lid("r1", "r2"), LinkState.DISPUTED, "ana", "check again")
    assert lid("r1", "r2") in dict(assert_in_order(loaded))
    decide_link(loaded, lid("r4", "r5"), LinkState.RETIRED, "ana", "different people")
    assert lid("r4", "r5") not in dict(assert_in_order(loaded))


def test_a_later_run_superseding_links_keeps_the_order(loaded: GraphStore, make_run: RunMaker) -> None:
    run2 = [pair("r1", "r2", "confirm", 20.0), pair("r2", "r3", "confirm", 15.0), pair("r3", "r6", "confirm", 14.0),
            pair("r4", "r7", "review", 3.0)]  # fmt: skip
    load_run(loaded, make_run("run2", run2, RECORDS_7))
    order = assert_in_order(loaded)
    assert [link for link, _ in order] == [lid("r4", "r7", "run2")]  # every run-1 candidate superseded


def test_ranking_a_graph_loaded_before_the_queue_kept_its_order(loaded: GraphStore) -> None:
    expected = definition(loaded)
    loaded.driver.execute_query("MATCH (l:Link) REMOVE l.queue_rank, l.queue_weight", database_=loaded.database)
    assert queue(loaded) == []
    assert rank_all_open_links(loaded) == len(expected)
    assert queue(loaded) == expected
