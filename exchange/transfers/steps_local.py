"""The steps that run on our side: asking our identity graph whether the member may be routed
(held while a link is candidate or disputed, re-checked until a steward settles it), and
ingesting what the previous payer sent."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta
from typing import Any

from exchange.domain.transfer import Move, Step, TransferState
from exchange.domain.transfer_rules import request_late
from exchange.transfers import ingestion
from exchange.transfers.plan import Plan
from exchange.transfers.repository import Message
from exchange.transfers.runtime import Runtime

S = TransferState


def check_identity(rt: Runtime, current: Mapping[str, Any], message: Message) -> Plan:
    now, state = rt.now(), S(current["state"])
    rows = rt.store.read("identity/routing_decision", {"member_key": current["member_key"]})
    decision = rows[0] if rows else {"known": False}
    if not decision["known"] or decision.get("status") != "active" or not decision.get("records"):
        return Plan(at=now, moves=(Move(state, S.REJECTED, "identity_member_not_routable", rt.actor),))
    if decision["open_links"]:
        recheck = now + timedelta(seconds=rt.settings.transfer_hold_recheck_s)
        moves = (
            () if state is S.HELD_FOR_IDENTITY else (Move(state, S.HELD_FOR_IDENTITY, "identity_links_open", rt.actor),)
        )
        return Plan(at=now, moves=moves, next_step=(Step.CHECK_IDENTITY, recheck))
    late = request_late(date.fromisoformat(current["request_due_by"]), now.date())
    reason = "identity_released" if state is S.HELD_FOR_IDENTITY else "identity_settled"
    changes = {"routed_member_key": decision["member_key"], "request_sent_on": now.date().isoformat(),
               "request_late": late}  # fmt: skip
    return Plan(at=now, moves=(Move(state, S.IDENTITY_PENDING, reason, rt.actor),), changes=changes,
                details={"request_late": late}, next_step=(Step.MEMBER_MATCH, now))  # fmt: skip


LOCAL: dict[Step, Callable[[Runtime, Mapping[str, Any], Message], Plan]] = {
    Step.CHECK_IDENTITY: check_identity,
    Step.INGEST: ingestion.plan,
}
