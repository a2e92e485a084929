"""The audit events of a release: what was released to whom (counts per type, the sha256 of
the bytes sent, whether it came within a business day of the match), or why it was refused.
No PHI: member keys and counts only."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from audit.domain.events import EventDraft, Outcome

if TYPE_CHECKING:
    from exchange.member_data.release import EverythingRequest


def count_key(resource_type: str) -> str:
    """``ExplanationOfBenefit`` -> ``resources_explanation_of_benefit`` (a key of audit/domain/details.py)."""
    return "resources_" + re.sub(r"(?<!^)(?=[A-Z])", "_", resource_type).lower()


def _draft(request: EverythingRequest, member_key: str, **fields: object) -> EventDraft:
    keys = tuple(dict.fromkeys((request.member_key, member_key)))
    return EventDraft.model_validate(
        {
            "actor": request.actor,
            "actor_role": "partner",
            "actor_client_id": request.client_id,
            "action": "member_data.release",
            "resource_type": "Patient",
            "resource_id": member_key,
            "correlation_id": request.correlation_id,
            "member_keys": keys,
            "partner_id": request.partner_id,
            **fields,
        }
    )


def released_event(
    request: EverythingRequest, member_key: str, counts: dict[str, int], sha256: str, in_time: bool, policy: str
) -> EventDraft:
    details: dict[str, int | bool | str] = {count_key(t): n for t, n in sorted(counts.items())}
    details["resources"] = sum(counts.values())
    details["answered_within_one_business_day"] = in_time
    details["consent_policy"] = policy.upper()
    return _draft(request, member_key, outcome=Outcome.SUCCESS, reason_code="DATA_RELEASED",
                  response_sha256=sha256, details=details)  # fmt: skip


def refused_event(request: EverythingRequest, member_key: str, reason: str, sha256: str) -> EventDraft:
    return _draft(request, member_key, outcome=Outcome.REFUSED, reason_code=reason.upper(), response_sha256=sha256)
