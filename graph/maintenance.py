"""Housekeeping of a graph database (development, demos and the test fixture)."""

from __future__ import annotations

from graph.store import GraphStore

DELETE_BATCH = 10_000


def delete_all_data(store: GraphStore) -> int:
    """Delete every node except the schema record, in batches so memory stays flat."""
    total = 0
    while True:
        deleted = int(store.write("admin/delete_data_batch", {"batch_size": DELETE_BATCH})[0]["deleted"])
        total += deleted
        if deleted < DELETE_BATCH:
            return total
