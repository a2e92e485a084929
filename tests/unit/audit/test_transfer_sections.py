"""A transfer's evidence sections from its events, transfer record and match decisions (no database)."""

from __future__ import annotations

from typing import Any

from audit.domain import transfer_sections as sections
from audit.domain.events import EventDraft, Outcome

T = "T-1"


def event(seq: int, action: str, reason: str = "OK", outcome: str = "success", **details: Any) -> dict[str, Any]:
    return {"seq": seq, "occurred_at": f"2026-03-01T09:00:{seq:02d}.000000Z", "action": action, "actor": "service:w1",
            "outcome": outcome, "reason_code": reason, "resource_id": T, "transfer_id": T, "partner_id": "payer-a",
            "details": details}  # fmt: skip


def move(seq: int, start: str | None, end: str, reason: str, owner: str = "SERVICE") -> dict[str, Any]:
    states = {
        "to_transfer_state": end.upper(),
        "owner": owner,
        **({"from_transfer_state": start.upper()} if start else {}),
    }
    outcome = "refused" if end in ("rejected", "dead_lettered") else "success"
    return event(seq, f"transfer.{end}", reason, outcome, **states)


JOURNEY = [
    move(1, None, "received", "RECEIVED"),
    move(2, "received", "identity_pending", "ROUTABLE"),
    event(3, "transfer.attempt", "HTTP_503", "failed", step="MEMBER_MATCH", attempt=1, status_code=503,
          latency_ms=12, replayed=False, error_class="HTTP_STATUS"),
    event(4, "transfer.attempt", "DELIVERED", step="MEMBER_MATCH", attempt=2, status_code=200, latency_ms=30,
          replayed=False),
    move(5, "identity_pending", "matched", "MATCHED"),
    move(6, "matched", "consent_checked", "CONSENT_REGULAR_HONOURED"),
    event(7, "member_data.ingest", "DATA_INGESTED", resources=3),
    move(8, "ingested", "acknowledged", "ACKNOWLEDGED"),
    move(9, "acknowledged", "completed", "COMPLETED", owner="NONE"),
]  # fmt: skip
DECISION = {
    "decision_id": "d-1", "at": "2026-03-01T09:00:04Z", "partner_id": "payer-b", "outcome": "match",
    "reason": "unique_match", "member_key": "M-9", "model_version": "abc123def456", "match_weight": 14.2,
    "candidate_count": 2, "consent": {"policy": "regular", "period_start": "2026-01-01", "period_end": "2027-01-01"},
    "candidates": [{"record_id": "A-1", "member_key": "M-9", "match_weight": 14.2, "match_probability": 0.9999,
                    "blockers": [], "contributions": [{"comparison": "dob", "level": "exact", "weight": 6.5, "tf": 0}]}],
}  # fmt: skip


def test_the_timeline_shows_each_state_move_and_its_owner() -> None:
    rows = sections.timeline(JOURNEY).rows
    assert [r["state_move"] for r in rows if r["state_move"]][:3] == [
        "received", "received -> identity_pending", "identity_pending -> matched"]  # fmt: skip
    assert rows[-1]["owner"] == "none" and [r["seq"] for r in rows] == list(range(1, 10))


def test_attempts_list_every_retry_with_its_error_class_status_and_latency() -> None:
    rows = sections.attempts(JOURNEY).rows
    assert [(r["step"], r["attempt"], r["retry"], r["status_code"], r["error_class"], r["latency_ms"]) for r in rows] == [
        ("member_match", 1, False, 503, "HTTP_STATUS", 12), ("member_match", 2, True, 200, None, 30)]  # fmt: skip


def test_a_decision_recorded_here_comes_with_its_explanation_and_model_version() -> None:
    decision, explanation = sections.identity([DECISION], [event(1, "member_match.decide", resource_id="x")], None)
    recorded = decision.rows[0]
    assert (recorded["decision_id"], recorded["model_version"], recorded["member_key"]) == (
        "d-1",
        "abc123def456",
        "M-9",
    )
    assert explanation.rows == [{"decision_id": "d-1", "rank": 1, "record_id": "A-1", "member_key": "M-9",
                                 "match_weight": 14.2, "match_probability": 0.9999, "blockers": "",
                                 "contributions": "dob=exact (+6.50)"}]  # fmt: skip


def test_the_new_payer_shows_the_remote_decision_as_its_ledger_and_transfer_hold_it() -> None:
    rejected = move(10, "identity_pending", "rejected", "NO_MATCH")
    late = move(11, "ingested", "rejected", "RECEIVED_DATA_INVALID")
    decision, explanation = sections.identity([], [*JOURNEY, rejected, late], {"remote_member_key": "A-M-7"})
    assert [(r["reason"], r["member_key"]) for r in decision.rows] == [("MATCHED", "A-M-7"), ("NO_MATCH", None)]
    assert explanation.rows == []


def test_consent_checks_come_from_the_moves_and_the_consent_received() -> None:
    decide = event(1, "member_match.decide", "UNIQUE_MATCH", consent_policy="REGULAR")
    rows = sections.consent_checks([*JOURNEY, decide], [DECISION]).rows
    assert [(r["reason_code"], r["policy"]) for r in rows] == [
        ("CONSENT_REGULAR_HONOURED", None), ("UNIQUE_MATCH", "REGULAR"), (None, "regular")]  # fmt: skip
    assert rows[-1]["period"] == "2026-01-01 .. 2027-01-01"


def test_acknowledgments_and_data_moves() -> None:
    assert [r["action"] for r in sections.acknowledgments(JOURNEY).rows] == [
        "member_data.ingest",
        "transfer.acknowledged",
    ]


def test_the_disposition_prefers_the_transfer_record_and_falls_back_on_the_last_move() -> None:
    record = {"state": "dead_lettered", "owner": "operator", "reason": "attempts_exhausted", "updated_at": "t"}
    assert sections.disposition(JOURNEY, record).rows[0]["owner"] == "operator"
    fallback = sections.disposition(JOURNEY[:-1], None).rows[0]
    assert (fallback["source"], fallback["state"], fallback["owner"]) == ("ledger seq 8", "acknowledged", "service")
    assert sections.disposition([], None).rows[0]["source"] == "nothing recorded"


def test_partner_client_ids_may_start_with_an_underscore_but_not_hold_spaces() -> None:
    common: dict[str, Any] = {"actor": "partner:acme", "action": "transfer.received", "resource_type": "Transfer",
                              "resource_id": T, "outcome": Outcome.SUCCESS, "reason_code": "RECEIVED",
                              "correlation_id": "c-1"}  # fmt: skip
    assert EventDraft(actor_client_id="_vKK47o-Gx_MDWbU", **common).actor_client_id == "_vKK47o-Gx_MDWbU"
    try:
        EventDraft(actor_client_id="Ada Quill", **common)
    except ValueError:
        return
    raise AssertionError("a client id with a space was accepted")
