"""Composition root: wires the real adapters from the settings. Entry points call this."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from audit.keys import AuditKeys
from graph import server
from graph.cypher import CypherLibrary
from graph.driver import create_driver, set_initial_password
from graph.store import GraphStore
from p2p.settings import Settings


def ensure_neo4j(settings: Settings) -> server.StartResult | None:
    """Start the local server if the project owns it (idempotent); an external one is left alone."""
    if not settings.uses_local_server:
        return None
    result = server.start(settings)
    if result.fresh_home:
        set_initial_password(settings)
    return result


@contextmanager
def graph_store(settings: Settings) -> Iterator[GraphStore]:
    """One driver for the duration of a command, closed at the end."""
    driver = create_driver(settings)
    try:
        yield GraphStore(
            driver, settings.neo4j_database, CypherLibrary(settings.cypher_dir), settings.neo4j_query_timeout_s
        )
    finally:
        driver.close()


def audit_keys(settings: Settings) -> AuditKeys:
    """The checkpoint signing key and the trusted public keys, where the settings put them."""
    return AuditKeys(settings.audit_signing_key_path, settings.audit_public_keys_path)
