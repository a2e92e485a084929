"""The first load into an empty database through Neo4j's offline importer gives the graph a
Bolt load gives: same nodes, properties, relationships, member keys and indexes (only the
timestamps differ), and later runs over Bolt treat it the same way."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import neo4j.time
import pyarrow.parquet as pq
import pytest

from graph import server
from graph.bulk_import import BulkImporter
from graph.loading import load_run
from graph.schema import apply_schema
from graph.store import GraphStore
from p2p.bootstrap import ensure_neo4j, graph_store
from p2p.ports import free_port
from p2p.settings import Settings, load_settings
from tests.integration.graph.conftest import RECORDS, RunMaker, pair

pytestmark = pytest.mark.integration

TIMESTAMPS = frozenset({"created_at", "updated_at", "at", "since", "until", "started_at", "loaded_at", "retired_at"})
# The audit ledger's nodes carry fresh ids, times and hashes on every append: compared apart.
GRAPH = """
MATCH (n) WHERE NOT n:SchemaMigration AND NOT any(label IN labels(n) WHERE label STARTS WITH 'Audit')
OPTIONAL MATCH (n)-[r]->(m)
RETURN labels(n) AS labels, properties(n) AS props, elementId(n) AS id,
       collect(CASE WHEN r IS NULL THEN null ELSE [type(r), properties(r), elementId(m)] END) AS out
"""

# Lists, an empty string, a record that is in no pair, a pair naming a record the run does
# not hold, and a must-not-link pair listed twice: the corners where the paths could differ.
IMPORT_RECORDS = [
    {
        **r,
        "first_name_variants": [r["first_name"].lower(), "x"],
        "middle_name": "" if r["record_id"] == "r2" else None,
    }
    for r in RECORDS
]
FIRST = [
    pair("r1", "r2", "confirm", 20.0),
    pair("r2", "r3", "confirm", 15.123456789012345),
    pair("r4", "r5", "review", 5.0),
    pair("r1", "r6", "no_link", 8.0, "SAME_BIRTHDAY_SAME_SURNAME_DIFFERENT_FIRST_NAME"),
    pair("r1", "r6", "no_link", 9.0, "ANOTHER_RULE"),
    pair("r3", "r9", "confirm", 18.0),
]
SECOND = [pair("r1", "r2", "review", 9.0), pair("r4", "r5", "confirm", 16.0), pair("r3", "r6", "confirm", 14.0)]


def canonical(store: GraphStore) -> list[Any]:
    """Every node and relationship with its properties, timestamps replaced by their type."""

    def props(values: dict[str, Any]) -> str:
        shown = {k: (type(v).__name__ if k in TIMESTAMPS else v) for k, v in values.items()}
        return json.dumps(shown, sort_keys=True)

    rows = store.driver.execute_query(GRAPH, database_=store.database, bookmark_manager_=store.bookmarks).records
    names = {row["id"]: f"{sorted(row['labels'])}{props(row['props'])}" for row in rows}
    graph = []
    for row in rows:
        edges = sorted(f"-[{t}{props(p)}]->{names[m]}" for t, p, m in row["out"])
        graph.append((names[row["id"]], edges))
    return sorted(graph)


def audited_loads(store: GraphStore) -> list[Any]:
    query = "MATCH (e:AuditEvent) RETURN e.action AS action, e.resource_id AS run, e.details AS details ORDER BY e.seq"
    records = store.driver.execute_query(query, database_=store.database, bookmark_manager_=store.bookmarks).records
    return [r.data() for r in records]


def timestamp_types(store: GraphStore) -> set[type]:
    query = "MATCH (n:SourceRecord) RETURN n.created_at AS t UNION MATCH ()-[r:IN_MEMBER]->() RETURN r.since AS t"
    records = store.driver.execute_query(query, database_=store.database, bookmark_manager_=store.bookmarks).records
    return {type(r["t"]) for r in records}


@pytest.fixture(scope="module")
def empty_local(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """A throw-away local server of our own: the importer stops and restarts it."""
    settings = load_settings(
        neo4j_uri=None, neo4j_home=tmp_path_factory.mktemp("neo4j-import"), neo4j_bolt_port=free_port(),
        neo4j_http_port=free_port(), neo4j_heap="512m", neo4j_pagecache="128m",
    )  # fmt: skip
    ensure_neo4j(settings)
    yield settings
    server.stop(settings)


def test_an_imported_first_run_is_the_graph_bolt_writes(
    store: GraphStore, empty_local: Settings, make_run: RunMaker
) -> None:
    first, second = make_run("run1", FIRST, IMPORT_RECORDS), make_run("run2", SECOND, IMPORT_RECORDS)
    load_run(store, first)
    after_first, audited_first = canonical(store), audited_loads(store)
    load_run(store, second)
    after_second, audited_second = canonical(store), audited_loads(store)
    with graph_store(empty_local) as imported:
        apply_schema(imported)
        importer = BulkImporter(empty_local)
        pid = server.running_pid(server.ServerPaths(empty_local.neo4j_home))
        report = load_run(imported, first, importer=importer)
        assert server.running_pid(server.ServerPaths(empty_local.neo4j_home)) != pid  # it did go offline
        assert (report.records, report.links_created, report.members) == (6, 4, 4)
        assert canonical(imported) == after_first
        assert audited_loads(imported) == audited_first and audited_first[0]["action"] == "graph.load_run"
        assert timestamp_types(imported) == {neo4j.time.DateTime}
        assert load_run(imported, first, importer=importer).already_loaded
        assert not importer.accepts(imported, pq.read_table(first / "records.parquet"))  # not empty: Bolt from now on
        load_run(imported, second, importer=importer)
        assert canonical(imported) == after_second
        assert audited_loads(imported) == audited_second
        indexes = "SHOW INDEXES YIELD name, state RETURN name, state ORDER BY name"
        listed = [
            r.data() for r in imported.driver.execute_query(indexes, bookmark_manager_=imported.bookmarks).records
        ]
        expected = [r.data() for r in store.driver.execute_query(indexes).records]
        assert listed == expected and {r["state"] for r in listed} == {"ONLINE"}


def test_a_run_the_import_cannot_write_exactly_goes_over_bolt(empty_local: Settings, make_run: RunMaker) -> None:
    records = [{**r, "first_name_variants": [] if r["record_id"] == "r6" else ["x"]} for r in RECORDS]
    with graph_store(empty_local) as store:
        assert not BulkImporter(empty_local).accepts(
            store, pq.read_table(make_run("run3", FIRST, records) / "records.parquet")
        )
