"""What a partner's final (non-transient) answer means for a transfer: the state it goes to
and the normalised reason. Identity and consent refusals are business outcomes, never retried;
answers that show our configuration is wrong go to an operator as dead letters."""

from __future__ import annotations

from collections.abc import Sequence

from exchange.domain.transfer import TransferState

S = TransferState


def refusal(step: str, status: int | None, issue_code: str | None, reason_codes: Sequence[str]) -> tuple[S, str]:
    """``issue_code``: the OperationOutcome's first issue code; ``reason_codes``: its details codings."""
    if status in (401, 403):
        return S.DEAD_LETTERED, "partner_refused_access"
    if status is None or status < 400:
        return S.DEAD_LETTERED, "partner_bad_response"
    if step == "member_match":
        if any(code.startswith("consent") for code in reason_codes):
            return S.REJECTED, "consent_refused_by_partner"
        if status == 422 and issue_code == "not-found":
            return S.REJECTED, "identity_no_match_at_partner"
        if status == 422 and issue_code == "multiple-matches":
            return S.REJECTED, "identity_multiple_matches_at_partner"
        if status == 422:
            return S.REJECTED, "identity_needs_review_at_partner"
        if status == 400:
            return S.REJECTED, "request_invalid_at_partner"
    if step == "fetch_data" and status in (404, 422):
        return S.REJECTED, "data_refused_by_partner"
    return S.DEAD_LETTERED, f"partner_answered_{status}"
