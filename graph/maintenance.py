"""Housekeeping of a graph database (development, demos and the test fixture)."""

from __future__ import annotations

from graph.store import GraphStore

DELETE_BATCH = 10_000


def delete_in_batches(store: GraphStore, query: str, batch_size: int) -> int:
    """Run a delete query (``$batch_size`` in, ``deleted`` out) until a batch comes back short; returns the total."""
    total = 0
    while True:
        deleted = int(store.write(query, {"batch_size": batch_size})[0]["deleted"])
        total += deleted
        if deleted < batch_size:
            return total


def delete_all_data(store: GraphStore) -> int:
    """Delete every node except the schema record, in batches so memory stays flat."""
    return delete_in_batches(store, "admin/delete_data_batch", DELETE_BATCH)
