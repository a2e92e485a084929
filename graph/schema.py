"""Applies the numbered ``cypher/schema/*.cypher`` files, each once, and records them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from graph.errors import SchemaError
from graph.store import GraphStore

SCHEMA_DIR = "schema"


@dataclass(frozen=True)
class SchemaReport:
    applied_now: list[str]
    already_applied: list[str]


def checksum(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def apply_schema(store: GraphStore) -> SchemaReport:
    """Apply every schema file not yet recorded. Statements are ``IF NOT EXISTS``, so a
    re-run after a crash between a statement and its record is harmless. A recorded file
    whose text has since changed is refused: schema changes go in a new numbered file."""
    recorded = {row["name"]: row["checksum"] for row in store.read("admin/applied_migrations")}
    applied_now, already = [], []
    for name in store.queries.names(SCHEMA_DIR):
        query = store.queries(name)
        if query.mode != "schema":
            raise SchemaError(f"{name}.cypher is under {SCHEMA_DIR}/ but its Mode is {query.mode}")
        digest = checksum(query.text)
        if name in recorded:
            if recorded[name] != digest:
                raise SchemaError(
                    f"{name}.cypher changed after it was applied; revert it and add a new numbered file instead"
                )
            already.append(name)
            continue
        _run_statements(store, name)
        store.write("admin/record_migration", {"name": name, "checksum": digest})
        applied_now.append(name)
    return SchemaReport(applied_now=applied_now, already_applied=already)


def create_schema_objects(store: GraphStore) -> None:
    """Run every schema file's statements without recording them (they are ``IF NOT
    EXISTS``): rebuilds the indexes and constraints of a database whose schema record was
    imported with its data, in file order, so a later file's DROP still wins."""
    session = store.driver.session(database=store.database, bookmark_manager=store.bookmarks)
    with session, session.begin_transaction() as tx:  # one transaction: one scan of the store populates them all
        for name in store.queries.names(SCHEMA_DIR):
            for statement in store.queries(name).statements():
                tx.run(statement).consume()
        tx.commit()


def _run_statements(store: GraphStore, name: str) -> None:
    for statement in store.queries(name).statements():
        store.driver.execute_query(statement, database_=store.database, bookmark_manager_=store.bookmarks)


def schema_objects(store: GraphStore) -> list[dict[str, Any]]:
    """The constraints' backing indexes and the plain indexes present in the database."""
    return store.read("admin/schema_objects")
