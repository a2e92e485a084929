"""Steward decisions on the identity graph: confirm, retire, dispute, split, merge.

Each action needs a named steward and a reason, goes through the lifecycle table (an
illegal move is refused), is recorded as link history, and reclusters the members it
touches so membership and lineage follow at once. Each runs as one transaction with its
audit event (``graph.audited_actions``): all of it commits, or none of it.
"""

from __future__ import annotations

import json
from typing import Any

from audit.domain.context import RequestContext
from graph.audited_actions import ActionResult, Done, StewardError, run_audited, steward_action
from graph.domain.links import DecidedBy, LinkState, transition
from graph.domain.routing import OpenLink, RoutingDecision, decide_routing
from graph.member_actions import merge, split
from graph.steward_members import recluster_members
from graph.store import GraphStore, Queries
from graph.transitions import apply_transitions

__all__ = ["ActionResult", "StewardError", "decide_link", "link_history", "merge", "routing_decision", "split"]

DECISIONS = {  # to_state -> (action, reason code)
    LinkState.CONFIRMED: ("link.confirm", "LINK_CONFIRMED"),
    LinkState.RETIRED: ("link.retire", "LINK_RETIRED"),
    LinkState.DISPUTED: ("link.dispute", "LINK_DISPUTED"),
}


def _link(queries: Queries, link_id: str) -> dict[str, Any]:
    rows = queries.read("identity/link_for_decision", {"link_id": link_id})
    if not rows:
        raise StewardError(f"no link {link_id!r}", "UNKNOWN_LINK")
    return rows[0]


def decide_link(
    store: GraphStore, link_id: str, to_state: LinkState, steward: str, reason: str,
    *, context: RequestContext | None = None,
) -> ActionResult:  # fmt: skip
    """confirm (candidate/disputed -> confirmed), retire (-> retired) or dispute (confirmed -> disputed)."""
    verb, code = DECISIONS.get(to_state, (f"link.{to_state.value}", "LINK_DECIDED"))
    request = {"link_id": link_id, "to_state": to_state.value}
    action = steward_action(verb, code, ("Link", link_id), steward, reason, request, context)
    actor, why = action.actor, action.reason

    def work(tx: Queries) -> Done:
        link = _link(tx, link_id)
        move = transition(link_id, LinkState(link["state"]), to_state, actor, why, json.dumps({"by": actor}))
        apply_transitions(tx, [move], DecidedBy.STEWARD)
        members = recluster_members(tx, link["member_keys"], link["record_ids"], actor, why)
        details: dict[str, int | bool | str] = {
            "from_state": move.from_state.value.upper(), "to_state": to_state.value.upper(), "links_moved": 1,
        }  # fmt: skip
        return Done(ActionResult(to_state.value, [move], members), link["member_keys"] + members, details)

    return run_audited(store, action, work)


def link_history(store: GraphStore, link_id: str) -> dict[str, Any]:
    rows = store.read("identity/link_history", {"link_id": link_id})
    if not rows:
        raise StewardError(f"no link {link_id!r}", "UNKNOWN_LINK")
    return rows[0]


def routing_decision(store: GraphStore, member_key: str) -> RoutingDecision:
    row = store.read("identity/routing_decision", {"member_key": member_key})[0]
    links = [OpenLink(x["link_id"], x["state"], x["reason"]) for x in row["open_links"]]
    return decide_routing(member_key, row["known"], row["member_key"], row["status"], row["records"], links)
