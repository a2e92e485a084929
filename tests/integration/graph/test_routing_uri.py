"""The project through a routing URI (`neo4j://`, as a cluster or Aura is reached) and an
explicit database name, against the test server: a standalone Neo4j answers the driver's
routing requests itself, so reads, leader reads and writes all work and each read sees the
process's own writes (the store's bookmarks)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import neo4j
import pytest
from typer.testing import CliRunner

from graph.domain.links import LinkState
from graph.loading import load_run
from graph.stewardship import decide_link, link_history, routing_decision
from graph.store import GraphStore
from p2p.bootstrap import graph_store
from p2p.cli.main import app
from p2p.settings import Settings, load_settings
from tests.integration.graph.conftest import RunMaker, pair

pytestmark = pytest.mark.integration


def routing_uri(settings: Settings) -> str:
    """The test server's address with the routing scheme (bolt+s -> neo4j+s, and so on)."""
    scheme, _, rest = settings.bolt_uri.partition("://")
    return f"{scheme.replace('bolt', 'neo4j')}://{rest}"


@pytest.fixture
def routed(store: GraphStore, settings: Settings) -> Iterator[GraphStore]:
    """A store over its own routing driver, on the clean test database named explicitly."""
    routed_settings = load_settings(
        neo4j_uri=routing_uri(settings), neo4j_database="neo4j",
        neo4j_user=settings.neo4j_user, neo4j_password=settings.neo4j_password,
    )  # fmt: skip
    with graph_store(routed_settings) as routed_store:
        yield routed_store


def one(store: GraphStore, cypher: str, **params: Any) -> Any:
    """Test-only inspection of the graph: the first column of the one row."""
    rows = store.driver.execute_query(cypher, params, database_=store.database).records
    assert len(rows) == 1, rows
    return rows[0][0]


def test_a_routing_driver_loads_decides_and_reads_its_own_writes(routed: GraphStore, make_run: RunMaker) -> None:
    assert isinstance(routed.driver, neo4j.Neo4jDriver)  # the routing driver, not a direct Bolt one
    assert routed.database == "neo4j"
    report = load_run(routed, make_run("run7", [pair("r1", "r2", "confirm", 20.0), pair("r4", "r5", "review", 5.0)]))
    assert (report.records, report.links_created) == (6, 2)

    member = one(
        routed, "MATCH (:SourceRecord {record_id: 'r1'})-[x:IN_MEMBER]->(m) WHERE x.until IS NULL RETURN m.member_key"
    )
    assert routing_decision(routed, member).routable  # a leader read, right after the load

    link_id = one(routed, "MATCH (l:Link {pair_key: 'r1|r2'}) RETURN l.link_id")
    decide_link(routed, link_id, LinkState.DISPUTED, "ana", "two people, per the enrollment file")
    # Each read right after the write: a reader that has not seen it would still say confirmed / routable.
    assert link_history(routed, link_id)["link"]["state"] == "disputed"
    held = routing_decision(routed, member)
    assert not held.routable and [o.link_id for o in held.open_links] == [link_id]


def test_the_cli_reaches_the_server_through_a_routing_uri_and_names_the_database(
    routed: GraphStore, settings: Settings
) -> None:
    env = {**os.environ, "P2P_NEO4J_URI": routing_uri(settings), "P2P_NEO4J_DATABASE": "neo4j"}
    result = CliRunner().invoke(app, ["neo4j", "status"], env=env)
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert f"{routing_uri(settings)} (external), database neo4j" in text
