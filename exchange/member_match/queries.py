"""Reads over recorded ``$member-match`` decisions: the explanation stewards look at, the
Patient a partner may read back, and the coverages partners asserted for a member."""

from __future__ import annotations

import json
from typing import Any

from graph.store import GraphStore


def decision(store: GraphStore, decision_id: str) -> dict[str, Any] | None:
    rows = store.read("exchange/match_decision", {"decision_id": decision_id})
    if not rows:
        return None
    row = rows[0]
    recorded = dict(row["decision"])
    candidates = json.loads(recorded.pop("candidates_json", "[]"))
    return {**recorded, "candidates": candidates, "consent": row["consent"], "coverage": row["coverage"]}


def matched_patient(store: GraphStore, member_key: str, partner_id: str) -> dict[str, Any] | None:
    """The member and our matching record, only if this partner was told about the member."""
    rows = store.read("exchange/matched_patient", {"member_key": member_key, "partner_id": partner_id})
    return rows[0] if rows else None


def partner_coverages(store: GraphStore, member_key: str) -> list[dict[str, Any]]:
    return store.read("exchange/partner_coverages_of_member", {"member_key": member_key})


def decision_count(store: GraphStore) -> int:
    return int(store.read("exchange/count_match_decisions", {})[0]["decisions"])
