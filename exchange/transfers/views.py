"""How a transfer is shown to its requester and to operators: state, owner, reason, timers,
history and delivery attempts; never the request's demographics or card data."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from exchange.transfers import repository
from graph.store import Queries

SHOWN = ("transfer_id", "state", "owner", "reason", "member_key", "partner_id", "correlation_id", "created_at",
         "updated_at", "request_due_by", "request_sent_on", "request_late", "remote_member_key", "resources",
         "data_sha256", "failed_step", "superseded_by", "generation")  # fmt: skip


def transfer_view(row: Mapping[str, Any]) -> dict[str, Any]:
    t = row["transfer"]
    view = {k: t.get(k) for k in SHOWN if t.get(k) is not None}
    view["history"] = [
        {k: h.get(k) for k in ("seq", "at", "from_state", "to_state", "owner", "reason", "actor")}
        for h in row["history"]
    ]
    view["attempts"] = [
        {k: a.get(k) for k in ("step", "number", "started_at", "status", "error_class", "latency_ms", "replayed",
                               "worker", "idempotency_key")}
        for a in row["attempts"]
    ]  # fmt: skip
    view["pending_step"] = row["pending"][0] if row["pending"] else None
    return view


def visible(store: Queries, transfer_id: str, client_id: str | None) -> dict[str, Any] | None:
    """The transfer as its requester (``client_id``) or an operator (``None``) may see it."""
    found = repository.transfer(store, transfer_id)
    if found is None or (client_id is not None and found["transfer"].get("client_id") != client_id):
        return None
    return transfer_view(found)
