"""The sections of a transfer's evidence packet, built from its audited events (in chain
order, ``details`` parsed), the transfer record when this payer holds one, and the
``$member-match`` decisions this payer recorded for it. Pure: no database.

Events are the evidence (each is proven to be in the chain); the transfer record adds
what the ledger does not carry (the remote member key, the current owner) and is labelled
as such.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from audit.domain.packets import Cell, Section

Event = Mapping[str, Any]
IDENTITY_STATES = ("RECEIVED", "HELD_FOR_IDENTITY", "IDENTITY_PENDING")  # a rejection from these is on identity
ACK_ACTIONS = ("transfer.acknowledged", "transfer.acknowledgment_received", "member_data.release", "member_data.ingest")


def _details(event: Event) -> Mapping[str, Any]:
    details = event.get("details")
    return details if isinstance(details, Mapping) else {}


def timeline(events: Sequence[Event]) -> Section:
    rows: list[dict[str, Cell]] = []
    for e in events:
        d = _details(e)
        start = str(d.get("from_transfer_state", "")).lower()  # the first event has no state before it
        end = str(d.get("to_transfer_state", "")).lower()
        move = (f"{start} -> {end}" if start else end) if end else None
        rows.append({"seq": e["seq"], "occurred_at": e["occurred_at"], "action": e["action"], "actor": e["actor"],
                     "outcome": e["outcome"], "reason_code": e["reason_code"], "state_move": move,
                     "owner": str(d["owner"]).lower() if "owner" in d else None, "transfer_id": e.get("transfer_id"),
                     "partner_id": e.get("partner_id")})  # fmt: skip
    what = "Every audited event of the transfer and its correlation id, in chain order."
    return Section("timeline", "Timeline", what,
                   ["seq", "occurred_at", "action", "actor", "outcome", "reason_code", "state_move", "owner",
                    "transfer_id", "partner_id"], rows)  # fmt: skip


def _contributions(candidate: Mapping[str, Any]) -> str:
    return "; ".join(
        f"{c['comparison']}={c['level']} ({c['weight']:+.2f})" for c in candidate.get("contributions") or []
    )


def _identity_event(e: Event, recorded: set[str]) -> bool:
    """A decision recorded by the ledger only, or a transfer state move that says who the member is."""
    if e["action"] == "member_match.decide":
        return e["resource_id"] not in recorded
    if e["action"] in ("transfer.matched", "transfer.held_for_identity"):
        return True
    return e["action"] == "transfer.rejected" and _details(e).get("from_transfer_state") in IDENTITY_STATES


def identity(decisions: Sequence[Mapping[str, Any]], events: Sequence[Event], transfer: Mapping[str, Any] | None
             ) -> tuple[Section, Section]:  # fmt: skip
    """The identity decision(s) and their explanation. Where the decision was taken by the
    other payer, what our ledger and transfer record hold about it."""
    rows: list[dict[str, Cell]] = []
    explained: list[dict[str, Cell]] = []
    for d in decisions:
        rows.append({"source": "match decision recorded here", "decision_id": d["decision_id"], "at": d.get("at"),
                     "partner_id": d.get("partner_id"), "outcome": d.get("outcome"), "reason": d.get("reason"),
                     "member_key": d.get("member_key"), "model_version": d.get("model_version"),
                     "match_weight": d.get("match_weight"), "candidates": d.get("candidate_count")})  # fmt: skip
        for rank, c in enumerate(d.get("candidates") or [], start=1):
            explained.append({"decision_id": d["decision_id"], "rank": rank, "record_id": c.get("record_id"),
                              "member_key": c.get("member_key"), "match_weight": c.get("match_weight"),
                              "match_probability": c.get("match_probability"),
                              "blockers": ", ".join(c.get("blockers") or []),
                              "contributions": _contributions(c)})  # fmt: skip
    recorded = {d["decision_id"] for d in decisions}
    for e in events:
        if _identity_event(e, recorded):
            decide = e["action"] == "member_match.decide"
            answered = (transfer or {}).get("remote_member_key") if e["action"] == "transfer.matched" else None
            rows.append({"source": f"ledger seq {e['seq']}", "decision_id": e["resource_id"] if decide else None,
                         "at": e["occurred_at"], "partner_id": e.get("partner_id"), "outcome": e["outcome"],
                         "reason": e["reason_code"], "member_key": answered,
                         "model_version": _details(e).get("model_version"), "match_weight": None,
                         "candidates": _details(e).get("candidates")})  # fmt: skip
    return (
        Section("identity_decision", "Identity decision",
                "Who decided which member this is, with the model version. A decision taken by the other payer shows "
                "as our ledger saw it (member_key: the member key the previous payer answered with).",
                ["source", "decision_id", "at", "partner_id", "outcome", "reason", "member_key", "model_version",
                 "match_weight", "candidates"], rows),
        Section("identity_explanation", "Identity explanation",
                "The ranked candidates of each decision recorded here, with each comparison's contribution.",
                ["decision_id", "rank", "record_id", "member_key", "match_weight", "match_probability", "blockers",
                 "contributions"], explained),
    )  # fmt: skip


def consent_checks(events: Sequence[Event], decisions: Sequence[Mapping[str, Any]]) -> Section:
    rows: list[dict[str, Cell]] = []
    for e in events:
        policy = _details(e).get("consent_policy")
        if policy is not None or "CONSENT" in e["reason_code"]:
            rows.append({"seq": e["seq"], "occurred_at": e["occurred_at"], "action": e["action"],
                         "outcome": e["outcome"], "reason_code": e["reason_code"], "policy": policy,
                         "period": None})  # fmt: skip
    for d in decisions:
        consent = d.get("consent")
        if consent:
            rows.append({"seq": None, "occurred_at": d.get("at"), "action": "consent received with the match request",
                         "outcome": None, "reason_code": None, "policy": consent.get("policy"),
                         "period": f"{consent.get('period_start')} .. {consent.get('period_end')}"})  # fmt: skip
    return Section("consent_checks", "Consent checks", "Every consent decision and the consent each one relied on.",
                   ["seq", "occurred_at", "action", "outcome", "reason_code", "policy", "period"], rows)  # fmt: skip


def attempts(events: Sequence[Event]) -> Section:
    rows: list[dict[str, Cell]] = []
    for e in events:
        if e["action"] != "transfer.attempt":
            continue
        d = _details(e)
        number = int(d.get("attempt", 0))
        rows.append({"seq": e["seq"], "occurred_at": e["occurred_at"], "step": str(d.get("step", "")).lower(),
                     "attempt": number, "retry": number > 1, "status_code": d.get("status_code"),
                     "error_class": d.get("error_class"), "latency_ms": d.get("latency_ms"),
                     "replayed": d.get("replayed"), "outcome": e["outcome"], "worker": e["actor"]})  # fmt: skip
    return Section("attempts", "Delivery attempts and retries",
                   "Every call to the other payer: its status, error class and latency (retries have attempt > 1).",
                   ["seq", "occurred_at", "step", "attempt", "retry", "status_code", "error_class", "latency_ms",
                    "replayed", "outcome", "worker"], rows)  # fmt: skip


def acknowledgments(events: Sequence[Event]) -> Section:
    rows: list[dict[str, Cell]] = [
        {"seq": e["seq"], "occurred_at": e["occurred_at"], "action": e["action"], "partner_id": e.get("partner_id"),
         "outcome": e["outcome"], "reason_code": e["reason_code"], "resources": _details(e).get("resources")}
        for e in events if e["action"] in ACK_ACTIONS
    ]  # fmt: skip
    return Section("acknowledgments", "Data released, received and acknowledged",
                   "The member data that moved and the acknowledgments of its receipt.",
                   ["seq", "occurred_at", "action", "partner_id", "outcome", "reason_code", "resources"],
                   rows)  # fmt: skip


def disposition(events: Sequence[Event], transfer: Mapping[str, Any] | None) -> Section:
    """Where the transfer ended: the transfer record's state, owner and reason when this payer
    holds it, else the last state move the ledger holds."""
    if transfer is not None:
        row: dict[str, Cell] = {"source": "transfer record", "state": transfer.get("state"),
                                "owner": transfer.get("owner"), "reason": transfer.get("reason"),
                                "at": transfer.get("updated_at")}  # fmt: skip
    else:
        moves = [e for e in events if "to_transfer_state" in _details(e)]
        last = moves[-1] if moves else (events[-1] if events else None)
        d = _details(last) if last else {}
        row = {"source": f"ledger seq {last['seq']}" if last else "nothing recorded",
               "state": str(d.get("to_transfer_state") or (last or {}).get("action", "")).lower() or None,
               "owner": str(d["owner"]).lower() if "owner" in d else None,
               "reason": last["reason_code"] if last else None,
               "at": last["occurred_at"] if last else None}  # fmt: skip
    return Section(
        "disposition",
        "Final disposition",
        "The state the transfer is in, who owns it and why.",
        ["source", "state", "owner", "reason", "at"],
        [row],
    )
