"""Schema and query round trips against the real Neo4j over Bolt."""

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.cypher import CypherLibrary
from graph.errors import CypherFileError, SchemaError
from graph.schema import apply_schema, schema_objects
from graph.store import GraphStore

pytestmark = pytest.mark.integration


def test_applying_the_schema_twice_is_harmless(store: GraphStore) -> None:
    apply_schema(store)
    before = schema_objects(store)
    report = apply_schema(store)
    assert report.applied_now == []
    assert set(report.already_applied) == set(store.queries.names("schema"))
    assert schema_objects(store) == before
    names = {row["name"] for row in before}
    assert {"source_record_key", "member_key", "schema_migration_name", "source_record_dob_zip"} <= names
    dropped = {"source_record_dob", "source_record_member_id", "source_record_subscriber_id", "link_pair_key"}
    assert not dropped & names and not {"member_status", "match_run_status"} & names  # 090: no query reads them


def test_each_applied_file_is_recorded_with_its_checksum(store: GraphStore) -> None:
    rows = store.read("admin/applied_migrations")
    assert [r["name"] for r in rows] == store.queries.names("schema")
    assert all(len(r["checksum"]) == 64 and r["applied_at"] is not None for r in rows)


def test_a_schema_file_edited_after_it_was_applied_is_refused(store: GraphStore, tmp_path: Path) -> None:
    shutil.copytree(store.queries.root, tmp_path / "cypher")
    edited = tmp_path / "cypher" / "schema" / "002_identity_core.cypher"
    edited.write_text(
        edited.read_text()
        + "\n// an innocent-looking edit\nCREATE INDEX extra IF NOT EXISTS FOR (r:SourceRecord) ON (r.zip)"
    )
    changed = GraphStore(store.driver, store.database, CypherLibrary(tmp_path / "cypher"), store.timeout_s)
    with pytest.raises(SchemaError, match=r"002_identity_core\.cypher changed"):
        apply_schema(changed)
    assert "extra" not in {row["name"] for row in schema_objects(store)}


@pytest.fixture
def scratch_records(store: GraphStore) -> Iterator[GraphStore]:
    """The round-trip tests write SchemaMigration records, which the clean-database fixture
    keeps on purpose; remove every record that is not a schema file after each test."""
    yield store
    store.driver.execute_query(
        "MATCH (m:SchemaMigration) WHERE NOT m.name STARTS WITH 'schema/' DELETE m", database_=store.database
    )


def test_write_then_read_round_trip(scratch_records: GraphStore) -> None:
    store = scratch_records
    written = store.write("admin/record_migration", {"name": "999_round_trip", "checksum": "abc"})
    read = [r for r in store.read("admin/applied_migrations") if r["name"] == "999_round_trip"]
    assert read == written


def test_injection_strings_are_stored_as_values_not_run(scratch_records: GraphStore) -> None:
    store = scratch_records
    hostile = "x'}) MATCH (n) DETACH DELETE n //"
    store.write("admin/record_migration", {"name": hostile, "checksum": "c"})
    names = [r["name"] for r in store.read("admin/applied_migrations")]
    assert hostile in names
    assert set(store.queries.names("schema")) <= set(names)


def test_a_query_with_missing_or_unexpected_parameters_is_refused_before_it_runs(store: GraphStore) -> None:
    with pytest.raises(CypherFileError, match="missing parameters"):
        store.write("admin/record_migration", {"name": "only-name"})
    with pytest.raises(CypherFileError, match="unexpected"):
        store.read("admin/applied_migrations", {"limit": 3})
    assert "only-name" not in [r["name"] for r in store.read("admin/applied_migrations")]


def test_the_clean_database_fixture_keeps_the_schema_record(store: GraphStore) -> None:
    assert store.read("admin/applied_migrations")
