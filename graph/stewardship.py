"""Steward decisions on the identity graph: confirm, retire, dispute, split, merge.

Each action needs a named steward and a reason, goes through the lifecycle table (an
illegal move is refused), is recorded as link history, and reclusters the members it
touches so membership and lineage follow at once.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from graph.domain.links import DecidedBy, LinkState, Transition, transition
from graph.domain.routing import OpenLink, RoutingDecision, decide_routing
from graph.members import recluster
from graph.store import GraphStore
from graph.transitions import apply_transitions


class StewardError(ValueError):
    """The action cannot be done as asked (unknown link or member, bad split, conflicting merge)."""


@dataclass(frozen=True)
class ActionResult:
    action: str
    transitions: list[Transition]
    members: list[str]  # the members after the action (keys)


def _actor(steward: str) -> str:
    if not steward.strip():
        raise StewardError("a steward name is required")
    return f"steward:{steward.strip()}"


def _require_reason(reason: str) -> str:
    if not reason.strip():
        raise StewardError("a reason is required for every steward action")
    return reason.strip()


def _link(store: GraphStore, link_id: str) -> dict[str, Any]:
    rows = store.read("identity/link_for_decision", {"link_id": link_id})
    if not rows:
        raise StewardError(f"no link {link_id!r}")
    return rows[0]


def _records_of(store: GraphStore, member_keys: list[str]) -> dict[str, list[str]]:
    rows = store.read("identity/member_records", {"member_keys": member_keys})
    return {r["member_key"]: sorted(r["record_ids"]) for r in rows}


def _recluster_members(
    store: GraphStore, member_keys: list[str], record_ids: list[str], actor: str, reason: str
) -> list[str]:
    records = sorted({r for ids in _records_of(store, member_keys).values() for r in ids} | set(record_ids))
    recluster(store, records, actor, reason)
    return sorted(_current_members(store, records))


def _current_members(store: GraphStore, record_ids: list[str]) -> set[str]:
    return {r["member_key"] for r in store.read("identity/current_members", {"record_ids": record_ids})}


def decide_link(store: GraphStore, link_id: str, to_state: LinkState, steward: str, reason: str) -> ActionResult:
    """confirm (candidate/disputed -> confirmed), retire (-> retired) or dispute (confirmed -> disputed)."""
    actor, why = _actor(steward), _require_reason(reason)
    link = _link(store, link_id)
    move = transition(link_id, LinkState(link["state"]), to_state, actor, why, json.dumps({"by": actor}))
    apply_transitions(store, [move], DecidedBy.STEWARD)
    members = _recluster_members(store, link["member_keys"], link["record_ids"], actor, why)
    return ActionResult(to_state.value, [move], members)


def split(store: GraphStore, member_key: str, record_ids: list[str], steward: str, reason: str) -> ActionResult:
    """Move ``record_ids`` out of the member into a new one: the confirmed links joining the
    two groups are disputed then retired by the steward, so no later run can rejoin them
    without a person."""
    actor, why = _actor(steward), _require_reason(reason)
    current = _records_of(store, [member_key])
    if not current:
        raise StewardError(f"no member {member_key!r}")
    ((key, members_records),) = current.items()
    group = sorted(set(record_ids))
    unknown = sorted(set(group) - set(members_records))
    if unknown:
        raise StewardError(f"records not in member {key}: {', '.join(unknown)}")
    rest = sorted(set(members_records) - set(group))
    if not group or not rest:
        raise StewardError("a split must leave records on both sides")
    moves: list[Transition] = []
    for row in store.read("identity/links_between", {"group": group, "others": rest}):
        disputed = transition(row["link_id"], LinkState.CONFIRMED, LinkState.DISPUTED, actor, f"split: {why}")
        moves += [disputed, transition(row["link_id"], LinkState.DISPUTED, LinkState.RETIRED, actor, f"split: {why}")]
    apply_transitions(store, [m for m in moves if m.to_state is LinkState.DISPUTED], DecidedBy.STEWARD)
    apply_transitions(store, [m for m in moves if m.to_state is LinkState.RETIRED], DecidedBy.STEWARD)
    members = _recluster_members(store, [key], members_records, actor, f"split: {why}")
    for new_key in sorted(_current_members(store, members_records) - {key}):
        store.write(
            "identity/mark_split", {"new_member_key": new_key, "old_member_key": key, "actor": actor, "reason": why}
        )
    return ActionResult("split", moves, members)


def merge(store: GraphStore, member_keys: list[str], steward: str, reason: str) -> ActionResult:
    """Join members with a steward-confirmed link; refused when their records hold a
    must-not-link pair or a steward retirement (resolve that first)."""
    actor, why = _actor(steward), _require_reason(reason)
    records = _records_of(store, sorted(set(member_keys)))
    if len(records) < 2:
        raise StewardError("a merge needs at least two different active members")
    groups = sorted(records.values())
    first = groups[0]
    for other in groups[1:]:
        conflicts = store.read("identity/never_pairs_between", {"group": first, "others": other})
        if conflicts:
            c = conflicts[0]
            raise StewardError(f"cannot merge: records {c['left']} and {c['right']} must not link ({c['rule']})")
    rows = []
    for other in groups[1:]:
        pair = (first[0], other[0]) if first[0] < other[0] else (other[0], first[0])
        link_id = hashlib.sha256(f"steward|{pair[0]}|{pair[1]}|{actor}|{why}".encode()).hexdigest()[:24]
        rows.append({
            "link_id": link_id, "pair_key": f"{pair[0]}|{pair[1]}", "left": pair[0], "right": pair[1],
            "state": LinkState.CONFIRMED.value, "decided_by": DecidedBy.STEWARD.value, "actor": actor,
            "reason": f"merge: {why}", "supersedes": None, "match_weight": None, "match_probability": None,
            "contributions": None, "blocking_rule": None, "must_not_link": None,
            "evidence": json.dumps({"merged_members": sorted(records)}),
        })  # fmt: skip
    store.write("identity/create_links", {"rows": rows, "run_id": None, "model_version": None})
    members = _recluster_members(store, sorted(records), [], actor, f"merge: {why}")
    return ActionResult("merge", [], members)


def link_history(store: GraphStore, link_id: str) -> dict[str, Any]:
    rows = store.read("identity/link_history", {"link_id": link_id})
    if not rows:
        raise StewardError(f"no link {link_id!r}")
    return rows[0]


def routing_decision(store: GraphStore, member_key: str) -> RoutingDecision:
    row = store.read("identity/routing_decision", {"member_key": member_key})[0]
    links = [OpenLink(x["link_id"], x["state"], x["reason"]) for x in row["open_links"]]
    return decide_routing(member_key, row["known"], row["member_key"], row["status"], row["records"], links)
