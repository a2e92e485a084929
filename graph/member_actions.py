"""Steward actions on members: split one into two, merge several into one (each one audited transaction)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from audit.domain.context import RequestContext
from graph.audited_actions import ActionResult, Done, StewardError, run_audited, steward_action
from graph.domain.links import DecidedBy, LinkState, Transition, transition
from graph.steward_members import current_members, recluster_members, records_of
from graph.store import GraphStore, Queries
from graph.transitions import apply_transitions


def split(
    store: GraphStore, member_key: str, record_ids: list[str], steward: str, reason: str,
    *, context: RequestContext | None = None,
) -> ActionResult:  # fmt: skip
    """Move ``record_ids`` out of the member into a new one: the confirmed links joining the
    two groups are disputed then retired by the steward, so no later run can rejoin them
    without a person."""
    group = sorted(set(record_ids))
    request = {"member_key": member_key, "record_ids": group}
    action = steward_action("member.split", "MEMBER_SPLIT", ("Member", member_key), steward, reason, request, context)
    actor, why = action.actor, action.reason

    def work(tx: Queries) -> Done:
        current = records_of(tx, [member_key])
        if not current:
            raise StewardError(f"no member {member_key!r}", "UNKNOWN_MEMBER")
        ((key, members_records),) = current.items()
        unknown = sorted(set(group) - set(members_records))
        if unknown:
            raise StewardError(f"records not in member {key}: {', '.join(unknown)}", "RECORDS_NOT_IN_MEMBER")
        rest = sorted(set(members_records) - set(group))
        if not group or not rest:
            raise StewardError("a split must leave records on both sides", "INVALID_SPLIT")
        moves: list[Transition] = []
        for row in tx.read("identity/links_between", {"group": group, "others": rest}):
            link_id, note = row["link_id"], f"split: {why}"
            moves += [
                transition(link_id, LinkState.CONFIRMED, LinkState.DISPUTED, actor, note),
                transition(link_id, LinkState.DISPUTED, LinkState.RETIRED, actor, note),
            ]
        apply_transitions(tx, [m for m in moves if m.to_state is LinkState.DISPUTED], DecidedBy.STEWARD)
        apply_transitions(tx, [m for m in moves if m.to_state is LinkState.RETIRED], DecidedBy.STEWARD)
        members = recluster_members(tx, [key], members_records, actor, f"split: {why}")
        for new_key in sorted(current_members(tx, members_records) - {key}):
            tx.write(
                "identity/mark_split", {"new_member_key": new_key, "old_member_key": key, "actor": actor, "reason": why}
            )
        details: dict[str, int | bool | str] = {
            "links_moved": len(moves) // 2, "records_moved": len(group), "members_after": len(members),
        }  # fmt: skip
        return Done(ActionResult("split", moves, members), [member_key, key, *members], details)

    return run_audited(store, action, work)


def merge(
    store: GraphStore, member_keys: list[str], steward: str, reason: str, *, context: RequestContext | None = None
) -> ActionResult:
    """Join members with a steward-confirmed link; refused when their records hold a
    must-not-link pair or a steward retirement (resolve that first)."""
    asked = sorted(set(member_keys))
    resource = ("Member", asked[0] if asked else "none")
    action = steward_action("member.merge", "MEMBER_MERGED", resource, steward, reason, {"member_keys": asked}, context)
    actor, why = action.actor, action.reason

    def work(tx: Queries) -> Done:
        records = records_of(tx, asked)
        if len(records) < 2:
            raise StewardError("a merge needs at least two different active members", "INVALID_MERGE")
        groups = sorted(records.values())
        first = groups[0]
        for other in groups[1:]:
            conflicts = tx.read("identity/never_pairs_between", {"group": first, "others": other})
            if conflicts:
                c = conflicts[0]
                raise StewardError(
                    f"cannot merge: records {c['left']} and {c['right']} must not link ({c['rule']})", "MUST_NOT_LINK"
                )
        tx.write("identity/create_links", {"rows": _merge_links(records, groups, actor, why), "run_id": None,
                                           "model_version": None})  # fmt: skip
        members = recluster_members(tx, sorted(records), [], actor, f"merge: {why}")
        details: dict[str, int | bool | str] = {"links_moved": len(groups) - 1, "members_after": len(members)}
        return Done(ActionResult("merge", [], members), [*records, *members], details)  # keys that exist

    return run_audited(store, action, work)


def _merge_links(records: dict[str, list[str]], groups: list[list[str]], actor: str, why: str) -> list[dict[str, Any]]:
    first, rows = groups[0], []
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
    return rows
