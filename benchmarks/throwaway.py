"""A throw-away local Neo4j for a benchmark: spare ports, a temporary home, stopped at the end."""

from __future__ import annotations

import signal
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from graph import server
from graph.schema import apply_schema
from graph.store import GraphStore
from p2p.bootstrap import ensure_neo4j, graph_store
from p2p.ports import free_port
from p2p.settings import load_settings


@contextmanager
def throwaway_store(heap: str, pagecache: str) -> Iterator[tuple[GraphStore, Path]]:
    """A started server with the schema applied, and a temporary data folder; all gone afterwards
    (also when the benchmark is stopped with SIGTERM)."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        memory = {"neo4j_heap": heap, "neo4j_pagecache": pagecache}
        ports = {"neo4j_bolt_port": free_port(), "neo4j_http_port": free_port()}
        settings = load_settings(neo4j_home=root / "neo4j", data_dir=root, neo4j_query_timeout_s=600, **memory, **ports)
        ensure_neo4j(settings)
        try:
            with graph_store(settings) as store:
                apply_schema(store)
                yield store, root
        finally:
            server.stop(settings)
