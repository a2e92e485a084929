"""The audit event: who did what to which resource, with what outcome, when, and why (as a code).

A caller builds an ``EventDraft``; the ledger seals it into an ``AuditEvent`` by giving it
its sequence number, id, time and place in the chain (``seal``). Both are frozen.

Never in an event: request or response bodies (only their sha256), free text, names,
dates of birth, addresses or source identifiers. Member keys (enterprise surrogate keys)
and the ids of links, runs, cases and transfers are the references an auditor follows.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from audit.domain.canonical import FORMAT, canonical_json, event_hash
from audit.domain.details import check_details

SHA256_HEX = r"^[0-9a-f]{64}$"
TOKEN = r"^[A-Za-z0-9][A-Za-z0-9._:@#|-]{0,199}$"  # ids: no spaces, no free text
ACTOR_KINDS = ("steward", "partner", "service", "operator")
_ACTOR_RE = re.compile(rf"^({'|'.join(ACTOR_KINDS)}):[^\s:][^\x00-\x1f]{{0,119}}$")

CLIENT_ID = r"^[A-Za-z0-9_-][A-Za-z0-9._:@#|-]{0,199}$"  # partner client ids are URL-safe base64: may start with _ or -
Token = Annotated[str, Field(pattern=TOKEN)]
Sha256 = Annotated[str, Field(pattern=SHA256_HEX)]


class Outcome(StrEnum):
    SUCCESS = "success"
    REFUSED = "refused"  # a rule said no; nothing changed
    FAILED = "failed"  # an error stopped it; nothing changed


def _actor(value: str) -> str:
    if not _ACTOR_RE.match(value):
        raise ValueError(f"actor must be '<{'|'.join(ACTOR_KINDS)}>:<name>'")
    return value


def format_time(moment: datetime) -> str:
    """UTC, fixed width, microseconds: text order is time order."""
    if moment.tzinfo is None:
        raise ValueError("audit times must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class EventDraft(BaseModel):
    """What the caller knows about the change, before the ledger places it in the chain."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    actor: Annotated[str, AfterValidator(_actor)] = Field(
        description="'steward:alice', 'partner:acme', 'service:loader'."
    )
    actor_role: Token | None = Field(default=None, description="The actor's role when known (data_steward, operator).")
    actor_client_id: Annotated[str, Field(pattern=CLIENT_ID)] | None = Field(
        default=None, description="The authenticated client id when known."
    )
    action: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")] = Field(
        description="Dotted verb: link.confirm, member.split, graph.load_run."
    )
    resource_type: Annotated[str, Field(pattern=r"^[A-Z][A-Za-z]{0,49}$")]
    resource_id: Token
    outcome: Outcome
    reason_code: Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9_]{0,63}$")] = Field(
        description="Normalised reason: LINK_CONFIRMED, ILLEGAL_TRANSITION, BRIDGE_LINK."
    )
    correlation_id: Token
    member_keys: tuple[Token, ...] = Field(default=(), max_length=100, description="Members the event concerns.")
    partner_id: Token | None = Field(
        default=None, description="The partner the event concerns (caller or counterparty)."
    )
    case_id: Token | None = None
    transfer_id: Token | None = None
    request_sha256: Sha256 | None = None
    response_sha256: Sha256 | None = None
    details: dict[str, int | bool | str] = Field(default_factory=dict, description="See audit/domain/details.py.")

    @field_validator("member_keys")
    @classmethod
    def _sorted_unique(cls, keys: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(sorted(set(keys)))

    @field_validator("details", mode="before")
    @classmethod
    def _vocabulary(cls, details: Any) -> Any:
        return check_details(details) if isinstance(details, dict) else details

    @model_validator(mode="before")
    @classmethod
    def _partner_actor_is_the_partner(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("partner_id") is None and str(data.get("actor")).startswith("partner:"):
            return {**data, "partner_id": str(data["actor"]).removeprefix("partner:")}
        return data


class AuditEvent(EventDraft):
    """A sealed event: its place in the chain and the hash over its canonical form."""

    format: int = FORMAT
    seq: int = Field(ge=1)
    event_id: Token
    occurred_at: Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")]
    prev_hash: Sha256
    hash: Sha256

    def stored(self) -> dict[str, Any]:
        """The event as stored: every field, ``details`` as canonical JSON text."""
        data = self.model_dump(mode="json")
        data["details"] = canonical_json(data["details"]).decode()
        return data


def seal(draft: EventDraft, *, seq: int, event_id: str, occurred_at: datetime, prev_hash: str) -> AuditEvent:
    fields = {
        **draft.model_dump(mode="json"),
        "format": FORMAT,
        "seq": seq,
        "event_id": event_id,
        "occurred_at": format_time(occurred_at),
        "prev_hash": prev_hash,
    }
    return AuditEvent(**fields, hash=event_hash(fields))
