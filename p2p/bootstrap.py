"""Composition root: wires the real adapters from the settings. Entry points call this."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager

from audit.keys import AuditKeys
from exchange.domain.retry import RetryPolicy
from exchange.transfers.partners import PartnerClients
from exchange.transfers.runtime import Runtime
from graph import server
from graph.cypher import CypherLibrary
from graph.driver import create_driver, set_initial_password
from graph.store import GraphStore
from p2p.settings import Settings
from security.http import outbound_client
from security.keys import load_signing_key


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


@contextmanager
def transfer_runtime(settings: Settings, store: GraphStore, worker_id: str) -> Iterator[Runtime]:
    """Everything a transfer worker needs, with one outbound HTTP client closed at the end."""
    policy = RetryPolicy(
        base_s=settings.transfer_retry_base_s, cap_s=settings.transfer_retry_cap_s,
        max_attempts=settings.transfer_max_attempts, deadline_s=settings.transfer_deadline_s,
    )  # fmt: skip
    with outbound_client(settings) as http:
        clients = PartnerClients(http, load_signing_key(settings))
        yield Runtime(store, settings, http, clients, policy, worker_id, random.SystemRandom())
