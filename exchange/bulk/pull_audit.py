"""The audit events of a bulk pull's own life (each member's ingestion has its ``member_data.ingest``):
who claimed the pull and how (started, resumed, taken over from a holder whose lease expired), a
claim refused because another process holds the pull, and a step kicked off again because the
previous payer forgot its job. Each is appended in the transaction that makes the change."""

from __future__ import annotations

from audit.domain.events import EventDraft, Outcome
from exchange.domain.bulk_pull import Restart

ACTION_CLAIM = "bulk_pull.claim"
ACTION_RESTART = "bulk_pull.restart"


def _event(pull_id: str, partner_id: str, holder: str, correlation_id: str, action: str, outcome: Outcome,
           reason: str, details: dict[str, int | bool | str]) -> EventDraft:  # fmt: skip
    return EventDraft(
        actor=f"service:{holder}", action=action, resource_type="BulkPull", resource_id=pull_id, outcome=outcome,
        reason_code=reason, correlation_id=correlation_id, partner_id=partner_id, transfer_id=pull_id,
        details=details,
    )  # fmt: skip


def claimed(pull_id: str, partner_id: str, holder: str, correlation_id: str, stage: str, claims: int,
            taken_over: bool) -> EventDraft:  # fmt: skip
    """A run holds the pull now: its first (``PULL_STARTED``), a later one after the previous run gave
    the lease back (``PULL_RESUMED``), or one after the previous holder's lease expired unreleased:
    that process died or lost the database (``PULL_TAKEN_OVER``)."""
    reason = "PULL_TAKEN_OVER" if taken_over else "PULL_STARTED" if claims == 1 else "PULL_RESUMED"
    return _event(pull_id, partner_id, holder, correlation_id, ACTION_CLAIM, Outcome.SUCCESS, reason,
                  {"step": stage.upper(), "attempt": claims})  # fmt: skip


def refused(pull_id: str, partner_id: str, holder: str, correlation_id: str, stage: str) -> EventDraft:
    """Another process holds an unexpired lease on the pull: this run did nothing."""
    return _event(pull_id, partner_id, holder, correlation_id, ACTION_CLAIM, Outcome.REFUSED, "PULL_IN_PROGRESS",
                  {"step": stage.upper()})  # fmt: skip


def restarted(pull_id: str, partner_id: str, holder: str, correlation_id: str, restart: Restart,
              status: int) -> EventDraft:  # fmt: skip
    """The previous payer answered ``status`` (404, 410) for a job, its files or its Group: the step is
    kicked off again under the key of its new generation."""
    details: dict[str, int | bool | str] = {"step": restart.step.value.upper(), "status_code": status,
                                            "attempt": restart.generation + 1}  # fmt: skip
    return _event(pull_id, partner_id, holder, correlation_id, ACTION_RESTART, Outcome.SUCCESS, restart.reason, details)
