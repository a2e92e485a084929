"""Runs named Cypher files against one database with parameters, and nothing else.

The only place that hands Cypher text to the driver: callers name a file under
``cypher/`` and pass values; the database is always named and every transaction has a
timeout.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol, TypeVar

import neo4j
import neo4j.time

from graph.cypher import CypherLibrary, CypherQuery
from graph.errors import CypherFileError

T = TypeVar("T")
_TEMPORAL = (neo4j.time.DateTime, neo4j.time.Date, neo4j.time.Time, neo4j.time.Duration)
_NATIVE = (neo4j.time.DateTime, neo4j.time.Date, neo4j.time.Time)


def plain(value: Any) -> Any:
    """Neo4j temporal values as ISO 8601 text, recursively, so results serialise as JSON."""
    if isinstance(value, _TEMPORAL):
        return value.iso_format()
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def native(value: Any) -> Any:
    """A driver's date or time as Python's (what pyarrow takes); any other value as it is."""
    return value.to_native() if isinstance(value, _NATIVE) else value


def _values(result: neo4j.Result) -> list[list[Any]]:
    return result.values()


def _records(result: neo4j.Result) -> list[dict[str, Any]]:
    return [plain(record.data()) for record in result]


class Queries(Protocol):
    """What query-running code needs: a ``GraphStore`` (each call its own transaction) or a
    ``TxRunner`` (every call inside one open transaction) both fit."""

    def read(self, name: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]: ...

    def write(self, name: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]: ...


class GraphStore:
    def __init__(self, driver: neo4j.Driver, database: str, queries: CypherLibrary, timeout_s: float) -> None:
        self.driver = driver
        self.database = database
        self.queries = queries
        self.timeout_s = timeout_s
        self.bookmarks = neo4j.GraphDatabase.bookmark_manager()

    def forget_bookmarks(self) -> None:
        """After the database was replaced (an offline import), its transaction ids start
        again: bookmarks of the old one would make every query wait for a future that never comes."""
        self.bookmarks = neo4j.GraphDatabase.bookmark_manager()

    def query(self, name: str, params: Mapping[str, Any] | None = None) -> tuple[CypherQuery, dict[str, Any]]:
        """The named query and its parameters, checked against the file's declared ``Params``."""
        query = self.queries(name)
        given = dict(params or {})
        if set(given) != query.declared_params:
            missing = query.declared_params - set(given)
            extra = set(given) - query.declared_params
            raise CypherFileError(f"{name}: missing parameters {sorted(missing)}, unexpected {sorted(extra)}")
        return query, given

    def read(
        self, name: str, params: Mapping[str, Any] | None = None, *, database: str | None = None
    ) -> list[dict[str, Any]]:
        """On a cluster, a reader that has seen this store's own writes (bookmarks); the leader
        for a file marked ``Routing: leader``. On a single server both are that server."""
        return self._read(name, params, database, _records)

    def read_values(self, name: str, params: Mapping[str, Any] | None = None) -> list[list[Any]]:
        """Like ``read``, each row as the list of its values in ``RETURN`` order, as the driver
        decoded them (temporal values stay the driver's types): for reads of many thousands of
        rows whose caller knows its columns, without a dict and a conversion per value."""
        return self._read(name, params, None, _values)

    def _read(
        self, name: str, params: Mapping[str, Any] | None, database: str | None, rows: Callable[[neo4j.Result], T]
    ) -> T:
        query, given = self.query(name, params)
        return self.driver.execute_query(
            neo4j.Query(query.text, timeout=self.timeout_s),
            given,
            database_=database or self.database,
            routing_=neo4j.RoutingControl.WRITE if query.leader else neo4j.RoutingControl.READ,
            bookmark_manager_=self.bookmarks,
            result_transformer_=rows,
        )

    def write(
        self, name: str, params: Mapping[str, Any] | None = None, *, database: str | None = None
    ) -> list[dict[str, Any]]:
        query, given = self.query(name, params)
        records, _, _ = self.driver.execute_query(
            neo4j.Query(query.text, timeout=self.timeout_s),
            given,
            database_=database or self.database,
            routing_=neo4j.RoutingControl.WRITE,
            bookmark_manager_=self.bookmarks,
        )
        return [plain(record.data()) for record in records]

    def in_write_transaction(self, work: Callable[[TxRunner], T]) -> T:
        """Run ``work`` in one managed write transaction; it may be retried, so it must be idempotent."""

        @neo4j.unit_of_work(timeout=self.timeout_s)
        def transaction(tx: neo4j.ManagedTransaction) -> T:
            return work(TxRunner(self, tx))

        with self.driver.session(database=self.database, bookmark_manager=self.bookmarks) as session:
            return session.execute_write(transaction)


class TxRunner:
    """Named queries inside one transaction (all commit together or none do)."""

    def __init__(self, store: GraphStore, tx: neo4j.ManagedTransaction) -> None:
        self._store = store
        self._tx = tx

    def run(self, name: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        query, given = self._store.query(name, params)
        return _records(self._tx.run(query.text, given))

    # Reads and writes alike run inside the transaction (a read sees its earlier writes), so
    # code written against ``Queries`` runs unchanged in one transaction.
    read = run
    write = run
