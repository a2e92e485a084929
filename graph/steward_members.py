"""The members a steward action touches: their records, and reclustering them after a change."""

from __future__ import annotations

from graph.members import recluster
from graph.store import Queries


def records_of(queries: Queries, member_keys: list[str]) -> dict[str, list[str]]:
    rows = queries.read("identity/member_records", {"member_keys": member_keys})
    return {r["member_key"]: sorted(r["record_ids"]) for r in rows}


def recluster_members(
    queries: Queries, member_keys: list[str], record_ids: list[str], actor: str, reason: str
) -> list[str]:
    records = sorted({r for ids in records_of(queries, member_keys).values() for r in ids} | set(record_ids))
    recluster(queries, records, actor, reason)
    return sorted(current_members(queries, records))


def current_members(queries: Queries, record_ids: list[str]) -> set[str]:
    return {r["member_key"] for r in queries.read("identity/current_members", {"record_ids": record_ids})}
