"""Applies the numbered ``cypher/schema/*.cypher`` files, each once, and records them."""

from __future__ import annotations

import hashlib
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import neo4j

from graph.errors import SchemaError
from graph.store import GraphStore

SCHEMA_DIR = "schema"
_CREATE = re.compile(r"CREATE\s+(CONSTRAINT|INDEX)\s+(\w+)\s+IF\s+NOT\s+EXISTS\s+FOR\s+\(\w*:(\w+)\)")
_DROP = re.compile(r"DROP\s+INDEX\s+(\w+)\s+IF\s+EXISTS\s*$")


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
    """Build the schema the files describe over a database whose data and schema record were
    imported (its files are ``IF NOT EXISTS`` and recorded already, so nothing is recorded).

    The net schema: a later file's ``DROP INDEX`` cancels an earlier ``CREATE``, so a dropped
    index is never built. Each label's indexes are created in one transaction of their own
    (one population job scans that label's nodes for all of them), the labels' jobs running
    side by side, then each constraint (which waits for its own index)."""
    statements = [s for name in store.queries.names(SCHEMA_DIR) for s in store.queries(name).statements()]
    by_label: dict[str, tuple[list[str], list[str]]] = {}
    for statement in net_schema(statements):
        kind, _name, label = _created(statement)
        indexes, constraints = by_label.setdefault(label, ([], []))
        (constraints if kind == "CONSTRAINT" else indexes).append(statement)

    def build(label: str) -> None:
        indexes, constraints = by_label[label]
        for group in ([indexes] if indexes else []) + [[c] for c in constraints]:
            with store.driver.session(database=store.database, bookmark_manager=store.bookmarks) as session:
                session.execute_write(_run_all, group)

    with ThreadPoolExecutor(max_workers=4, thread_name_prefix="schema") as pool:
        for done in [pool.submit(build, label) for label in sorted(by_label)]:
            done.result()


def net_schema(statements: list[str]) -> list[str]:
    """The ``CREATE`` statements left once every ``DROP INDEX`` has cancelled the ``CREATE``
    of its name before it, in order."""
    created: dict[str, str] = {}
    for statement in statements:
        dropped = _DROP.match(statement)
        if dropped:
            created.pop(dropped.group(1), None)
            continue
        created[_created(statement)[1]] = statement
    return list(created.values())


def _created(statement: str) -> tuple[str, str, str]:
    """(CONSTRAINT or INDEX, its name, its label) of a schema file's ``CREATE`` statement."""
    found = _CREATE.match(statement)
    if not found:
        raise SchemaError(f"not a named CREATE … IF NOT EXISTS FOR (x:Label) statement: {statement[:80]}")
    return found.group(1), found.group(2), found.group(3)


def _run_all(tx: neo4j.ManagedTransaction, statements: list[str]) -> None:
    for statement in statements:
        tx.run(statement).consume()


def _run_statements(store: GraphStore, name: str) -> None:
    for statement in store.queries(name).statements():
        store.driver.execute_query(statement, database_=store.database, bookmark_manager_=store.bookmarks)


def schema_objects(store: GraphStore) -> list[dict[str, Any]]:
    """The constraints' backing indexes and the plain indexes present in the database."""
    return store.read("admin/schema_objects")
