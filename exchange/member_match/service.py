"""The ``$member-match`` use case: decide who the member is, check the consent, record the
decision (with its explanation, the partner's coverage and the consent), and say what to
answer. The API turns the result into FHIR; nothing here knows HTTP."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any

from exchange.domain import brute_force
from exchange.domain.consent import ConsentVerdict, OrgId, evaluate
from exchange.domain.identity import IdentityDecision, Outcome, Policy, decide
from exchange.fhir.errors import FhirInputError, Issue
from exchange.member_match import fingerprints, recording
from exchange.member_match.engine import Attempts, IdentityEngine, Scored
from exchange.member_match.request import CoverageFacts, MemberMatchRequest
from exchange.member_match.response import render
from exchange.member_match.result import MatchResult, Requester
from graph.store import GraphStore
from matching.canonical.validation import CanonicalRecord
from matching.realtime.features import features as realtime_features
from matching.realtime.features import normalise_id

EXPLAINED_CANDIDATES = 5


@dataclass(frozen=True)
class MatchConfig:
    payer_id: str
    our_identifiers: tuple[OrgId, ...]
    policy: Policy
    brute_force: brute_force.Limit
    fingerprint_key: bytes
    requires_consent: bool
    can_filter_sensitive: bool
    hrex_version: str
    identifier_system: str  # of the member identifiers we answer with


@dataclass
class MatchContext:
    store: GraphStore
    engine: IdentityEngine
    config: MatchConfig
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))


def _card_ids(facts: CoverageFacts) -> list[str]:
    raw = [*facts.member_ids, *([facts.subscriber_id] if facts.subscriber_id else [])]
    return list(dict.fromkeys(n for v in raw if (n := normalise_id(v))))


def _features(request: MemberMatchRequest, payer_id: str, today: date) -> dict[str, Any]:
    card = request.coverage_to_match
    row = {
        "record_id": f"request:{request.patient_id}",
        "payer_id": payer_id,
        **request.demographics,
        "member_id": card.member_ids[0] if card.member_ids else None,
        "subscriber_id": card.subscriber_id,
    }
    problems: list[tuple[str, str, str]] = []
    validated = CanonicalRecord.model_validate(row, context={"issues": problems, "today": today})
    if any(column == "dob" for column, _reason, _raw in problems):
        where = "Parameters.parameter[MemberPatient].resource.birthDate"
        raise FhirInputError([Issue(where, "birthDate is not a plausible date of birth (future or before 1900)")])
    return realtime_features(validated.model_dump())


def _explanation(scored: list[Scored], decision: IdentityDecision) -> list[dict[str, Any]]:
    by_record = {s.candidate.record_id: s for s in scored}
    shown = []
    for candidate in decision.ranked[:EXPLAINED_CANDIDATES]:
        score = by_record[candidate.record_id].score
        shown.append(
            {
                "record_id": candidate.record_id,
                "member_key": candidate.member_key,
                "member_held": candidate.member_held,
                "coverage_id_agrees": candidate.coverage_id_agrees,
                "must_not_link": candidate.must_not_link,
                "blockers": list(candidate.blockers),
                "match_weight": round(score.match_weight, 6),
                "match_probability": score.match_probability,
                "contributions": [
                    {"comparison": c.comparison, "level": c.label, "weight": c.match_weight, "tf": c.tf_adjustment}
                    for c in score.contributions
                ],
            }
        )
    return shown


def member_match(
    ctx: MatchContext, request: MemberMatchRequest, requester: Requester, correlation_id: str, body_hash: str
) -> MatchResult:
    config, now = ctx.config, ctx.now()
    feats = _features(request, config.payer_id, now.date())
    card_ids = _card_ids(request.coverage_to_match)
    decision_id = str(uuid.uuid4())
    demographics_fp = fingerprints.demographics(config.fingerprint_key, feats)
    coverage_fp = fingerprints.coverage(config.fingerprint_key, request.coverage_to_match, card_ids)
    record: dict[str, Any] = {
        "decision_id": decision_id,
        "at": now.isoformat(),
        "partner_id": requester.partner_id,
        "client_id": requester.client_id,
        "actor": requester.actor,
        "correlation_id": correlation_id,
        "request_sha256": body_hash,
        "demographics_fingerprint": demographics_fp,
        "coverage_fingerprint": coverage_fp,
        "model_version": ctx.engine.model.version,
        "term_frequencies_at": ctx.engine.frequencies.taken_at,
        "hrex_version": config.hrex_version,
    }

    attempts_of = Attempts(demographics_fp, requester.partner_id, now - config.brute_force.window)
    found = ctx.engine.lookup(ctx.store, feats, card_ids, attempts_of)
    verdict = brute_force.check(found.attempts, coverage_fp, now, config.brute_force)
    if not verdict.allowed:
        return _finish(ctx, record, MatchResult(decision_id, "refused", "too_many_card_variants",
                                                retry_after_s=verdict.retry_after_s), None)  # fmt: skip

    payors = set(request.coverage_to_match.payors)
    if payors and not payors & set(config.our_identifiers):
        return _finish(
            ctx, record, MatchResult(decision_id, Outcome.NO_MATCH.value, "coverage_payor_not_this_payer"), None
        )

    scored = ctx.engine.score(feats, found.candidates, card_ids)
    identity = decide([s.candidate for s in scored], config.policy)
    record["candidates_json"] = json.dumps(_explanation(scored, identity))
    record["candidate_count"] = len(scored)
    record["match_weight"] = identity.match_weight
    record["record_id"] = identity.record_id
    if identity.outcome is not Outcome.UNIQUE_MATCH:
        return _finish(ctx, record, MatchResult(decision_id, identity.outcome.value, identity.reason), None)

    consent = _consent(ctx, request, requester, now.date())
    if not consent.honoured:
        refused = MatchResult(decision_id, "consent_refused", consent.reason or "consent_refused",
                              refusals=tuple(r.value for r in consent.refusals))  # fmt: skip
        return _finish(ctx, record, refused, identity.member_key)
    matched = MatchResult(decision_id, Outcome.UNIQUE_MATCH.value, identity.reason, identity.member_key, consent.policy)
    kept = recording.Kept(
        recording.coverage_props(request, requester), recording.consent_props(request, consent, requester, decision_id)
    )
    return _finish(ctx, record, matched, identity.member_key, kept)


def _consent(ctx: MatchContext, request: MemberMatchRequest, requester: Requester, today: date) -> ConsentVerdict:
    if request.consent is None and not ctx.config.requires_consent:
        return ConsentVerdict(True)
    return evaluate(
        request.consent, today, ctx.config.our_identifiers, requester.organization_identifiers,
        ctx.config.can_filter_sensitive,
    )  # fmt: skip


def _finish(
    ctx: MatchContext,
    record: dict[str, Any],
    result: MatchResult,
    member_key: str | None,
    kept: recording.Kept | None = None,
) -> MatchResult:
    """Render the answer, then record the decision and its audit event in one transaction."""
    status, body = render(result, ctx.config.identifier_system, ctx.config.hrex_version)
    answered = replace(result, status=status, body=body)
    recording.record_decision(ctx.store, record, answered, member_key, kept or recording.Kept())
    return answered
