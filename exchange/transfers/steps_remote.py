"""The steps that call the previous payer: ``$member-match``, the member's history
(``$everything``, every page) and the acknowledgment. Each call carries the transfer's
correlation id and the step's idempotency key; what the answer means becomes a ``Plan``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from exchange.domain.retry import ErrorClass, Retry, is_transient, next_step
from exchange.domain.transfer import Move, Step, TransferState, path
from exchange.domain.transfer_outcomes import refusal
from exchange.member_match.outbound import Card, Grant, member_match_parameters
from exchange.transfers import received
from exchange.transfers.contract import TransferRequest
from exchange.transfers.partner_call import CallOutcome, call_partner, first_issue
from exchange.transfers.partners import Endpoint, endpoint
from exchange.transfers.plan import Plan
from exchange.transfers.repository import Attempt, Message, routed_member
from exchange.transfers.runtime import Runtime

S = TransferState
MAX_PAGES = 1000
PAGE = 500  # resources per $everything page we ask for (the partner may cap it lower)


def _call(rt: Runtime, e: Endpoint, current: Mapping[str, Any], message: Message, method: str, url: str,
          body: dict[str, Any] | None = None) -> CallOutcome:  # fmt: skip
    return call_partner(rt.http, rt.partners.smart(e), method, url, json_body=body,
                        idempotency_key=message.idempotency_key, correlation_id=current["correlation_id"])  # fmt: skip


def _attempt(rt: Runtime, message: Message, outcome: CallOutcome) -> Attempt:
    error = outcome.error.value if outcome.error is not None else None
    started = rt.now() - timedelta(milliseconds=outcome.latency_ms)
    return Attempt(message.step, message.attempts + 1, started, outcome.latency_ms, outcome.status, error,
                   outcome.replayed, rt.worker_id)  # fmt: skip


def failed(rt: Runtime, current: Mapping[str, Any], message: Message, outcome: CallOutcome) -> Plan:
    """A plan for an answer that is not a success: a retry, or the state it leaves the transfer in."""
    now, attempt = rt.now(), _attempt(rt, message, outcome)
    state = S(current["state"])
    if outcome.error is not None and is_transient(outcome.error):
        decision = next_step(rt.policy, attempts_made=message.attempts + 1, first_attempt_at=message.first_attempt_at,
                             now=now, error=outcome.error, retry_after_s=outcome.retry_after_s, rng=rt.rng)  # fmt: skip
        if isinstance(decision, Retry):
            return Plan(at=now, attempt=attempt, retry_at=decision.at, retry_error=outcome.error.value)
        target, reason = S.DEAD_LETTERED, decision.reason.value
    elif outcome.error is ErrorClass.TOKEN_REFUSED:  # our registration at the partner needs an operator
        target, reason = S.DEAD_LETTERED, "partner_refused_our_token_request"
    else:
        code, reasons = first_issue(outcome.body)
        target, reason = refusal(message.step.value, outcome.status, code, reasons)
    changes = {"failed_step": message.step.value} if target is S.DEAD_LETTERED else {}
    return Plan(at=now, attempt=attempt, moves=(Move(state, target, reason, rt.actor),), changes=changes)


def _bad_response(rt: Runtime, current: Mapping[str, Any], message: Message, outcome: CallOutcome) -> Plan:
    return failed(rt, current, message, replace(outcome, error=ErrorClass.BAD_RESPONSE))


def member_match(rt: Runtime, current: Mapping[str, Any], message: Message) -> Plan:
    e = endpoint(rt.store, current["partner_id"])
    request = TransferRequest.model_validate_json(current["request_json"])
    card = rt.store.read(
        "transfers/member_card",
        {"member_key": routed_member(current), "payer_id": rt.settings.payer_id,
         "member_id": request.new_coverage.member_id},
    )  # fmt: skip
    if not card or not card[0]["record"].get("dob") or not e.identifiers:
        # HRex needs a birth date; a record without one is for the enrollment system to correct
        reason = ("member_has_no_record_here" if not card else "member_record_lacks_birth_date"
                  if not card[0]["record"].get("dob") else "partner_has_no_identifier")  # fmt: skip
        return Plan(at=rt.now(), moves=(Move(S.IDENTITY_PENDING, S.REJECTED, reason, rt.actor),))
    ours, theirs = rt.settings.our_identifiers[0], e.identifiers[0]
    prev = request.previous_coverage
    body = member_match_parameters(
        {k: v for k, v in card[0]["record"].items() if k != "record_id"},
        Card(theirs, prev.member_id, prev.subscriber_id, prev.group, prev.plan, prev.start, prev.end),
        Card(ours, request.new_coverage.member_id, start=request.new_coverage.start),
        Grant(request.consent.policy == "sensitive", request.consent.start, request.consent.end, theirs, ours),
    )
    outcome = _call(rt, e, current, message, "POST", f"{e.fhir_base_url}/Patient/$member-match", body)
    if not outcome.ok:
        return failed(rt, current, message, outcome)
    remote_key = _member_identifier(outcome.body)
    if remote_key is None:
        return _bad_response(rt, current, message, outcome)
    now, today = rt.now(), rt.now().date()
    if not request.consent.start <= today <= request.consent.end:
        moves = path(S.IDENTITY_PENDING, "matched", rt.actor, S.MATCHED)
        moves.append(Move(S.MATCHED, S.REJECTED, "consent_not_in_period", rt.actor))
    else:
        moves = path(S.IDENTITY_PENDING, "matched", rt.actor, S.MATCHED)
        moves += path(S.MATCHED, f"consent_{request.consent.policy}_honoured", rt.actor, S.CONSENT_CHECKED)
        moves += path(S.CONSENT_CHECKED, "data_requested", rt.actor, S.REQUESTING_DATA)
    ok = moves[-1].to_state is S.REQUESTING_DATA
    return Plan(
        at=now, attempt=_attempt(rt, message, outcome), moves=tuple(moves), changes={"remote_member_key": remote_key},
        next_step=(Step.FETCH_DATA, now) if ok else None,
    )  # fmt: skip


def _member_identifier(body: Any) -> str | None:
    for p in body.get("parameter", []) if isinstance(body, dict) else []:
        if isinstance(p, dict) and p.get("name") == "MemberIdentifier":
            value = (p.get("valueIdentifier") or {}).get("value")
            return value if isinstance(value, str) and value else None
    return None


def fetch_data(rt: Runtime, current: Mapping[str, Any], message: Message) -> Plan:
    e = endpoint(rt.store, current["partner_id"])
    url: str | None = f"{e.fhir_base_url}/Patient/{current['remote_member_key']}/$everything?_count={PAGE}"
    resources: list[dict[str, Any]] = []
    last: CallOutcome | None = None
    for _ in range(MAX_PAGES):
        if url is None:
            break
        last = _call(rt, e, current, message, "GET", url)
        if not last.ok:
            return failed(rt, current, message, last)
        page = received.bundle_entries(last.body)
        if page is None:
            return _bad_response(rt, current, message, last)
        resources += page
        url = _next_page(last.body, e.fhir_base_url)
    assert last is not None
    kept = received.keep(rt.settings.data_dir, current["transfer_id"], resources)
    now = rt.now()
    return Plan(
        at=now, attempt=_attempt(rt, message, last),
        moves=(Move(S.REQUESTING_DATA, S.RECEIVING, "data_received", rt.actor),),
        changes={"data_file": kept.file, "data_sha256": kept.sha256, "resources": len(resources)},
        details={"resources": len(resources)}, next_step=(Step.INGEST, now),
    )  # fmt: skip


def _next_page(body: Any, base: str) -> str | None:
    links = body.get("link", []) if isinstance(body, dict) else []
    following = [link.get("url") for link in links if isinstance(link, dict) and link.get("relation") == "next"]
    url = following[0] if following and isinstance(following[0], str) else None
    if url is not None and urlsplit(url).netloc != urlsplit(base).netloc:
        return None  # never follow a link to another host with our token
    return url


def acknowledge(rt: Runtime, current: Mapping[str, Any], message: Message) -> Plan:
    e = endpoint(rt.store, current["partner_id"])
    body = {"resourceType": "Parameters", "parameter": [
        {"name": "transferId", "valueString": current["transfer_id"]},
        {"name": "memberIdentifier", "valueString": current["remote_member_key"]},
        {"name": "resourcesReceived", "valueUnsignedInt": int(current.get("resources") or 0)},
        {"name": "contentSha256", "valueString": current["data_sha256"]},
        {"name": "status", "valueCode": "received"},
    ]}  # fmt: skip
    outcome = _call(rt, e, current, message, "POST", f"{e.fhir_base_url}/$transfer-acknowledgment", body)
    if not outcome.ok:
        return failed(rt, current, message, outcome)
    moves = path(S.INGESTED, "acknowledged", rt.actor, S.ACKNOWLEDGED, S.COMPLETED)
    return Plan(at=rt.now(), attempt=_attempt(rt, message, outcome), moves=tuple(moves))


REMOTE: dict[Step, Callable[[Runtime, Mapping[str, Any], Message], Plan]] = {
    Step.MEMBER_MATCH: member_match,
    Step.FETCH_DATA: fetch_data,
    Step.ACKNOWLEDGE: acknowledge,
}
