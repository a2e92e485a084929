"""A ``$member-match`` decision written down: the decision with its explanation, for a unique
match the partner's coverage and the consent received, and its audit event (who, what,
reason code, hashes of the request and of the answer sent), all in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from audit.domain.context import body_sha256
from audit.domain.events import EventDraft, Outcome
from audit.ledger import append
from exchange.domain.consent import ConsentVerdict
from exchange.member_match.request import MemberMatchRequest
from exchange.member_match.result import MatchResult, Requester
from graph.store import GraphStore, TxRunner


@dataclass(frozen=True)
class Kept:
    """What a unique match keeps besides the decision (mm-4, mm-13)."""

    coverage: dict[str, Any] | None = None
    consent: dict[str, Any] | None = None


def coverage_props(request: MemberMatchRequest, requester: Requester) -> dict[str, Any] | None:
    link = request.coverage_to_link
    if link is None:
        return None
    system, value = link.identifier or ("", link.member_ids[0] if link.member_ids else link.subscriber_id or "")
    return {
        "coverage_key": f"{requester.partner_id}|{system}|{value}",
        "partner_id": requester.partner_id,
        "identifier_system": system,
        "identifier_value": value,
        "subscriber_id": link.subscriber_id,
        "payors": [f"{s}|{v}" for s, v in link.payors],
        "group": link.group,
        "period_start": link.period_start,
        "period_end": link.period_end,
    }


def consent_props(
    request: MemberMatchRequest, verdict: ConsentVerdict, requester: Requester, decision_id: str
) -> dict[str, Any] | None:
    terms = request.consent
    if terms is None:
        return None
    return {
        "consent_id": decision_id,
        "partner_id": requester.partner_id,
        "policy": verdict.policy,
        "period_start": terms.period_start.isoformat() if terms.period_start else None,
        "period_end": terms.period_end.isoformat() if terms.period_end else None,
        "sources": [f"{s}|{v}" for s, v in terms.sources],
        "recipients": [f"{s}|{v}" for s, v in terms.recipients],
    }


def _event(record: dict[str, Any], result: MatchResult, member_key: str | None) -> EventDraft:
    details: dict[str, int | bool | str] = {
        "model_version": record["model_version"],
        "candidates": int(record.get("candidate_count", 0)),
        "match_outcome": result.outcome.upper(),
    }
    if result.consent_policy:
        details["consent_policy"] = result.consent_policy.upper()
    return EventDraft(
        actor=record["actor"],
        actor_role="partner",
        actor_client_id=record["client_id"],
        action="member_match.decide",
        resource_type="MatchDecision",
        resource_id=result.decision_id,
        outcome=Outcome.SUCCESS if result.member_key else Outcome.REFUSED,
        reason_code=result.reason.upper(),
        correlation_id=record["correlation_id"],
        member_keys=(member_key,) if member_key else (),
        partner_id=record["partner_id"],
        request_sha256=record["request_sha256"],
        response_sha256=body_sha256(result.body),
        details=details,
    )


def record_decision(
    store: GraphStore, record: dict[str, Any], result: MatchResult, member_key: str | None, kept: Kept
) -> None:
    decision = {
        **record,
        "outcome": result.outcome,
        "reason": result.reason,
        "refusals": list(result.refusals),
        "member_key": member_key,
        "http_status": result.status,
        "response_sha256": body_sha256(result.body),
    }
    params = {
        "decision": {k: v for k, v in decision.items() if v is not None},
        "member_key": member_key,
        "coverage": kept.coverage,
        "consent": kept.consent,
    }
    event = _event(record, result, member_key)

    def work(tx: TxRunner) -> None:
        tx.run("exchange/record_match_decision", params)
        append(tx, event)

    store.in_write_transaction(work)
