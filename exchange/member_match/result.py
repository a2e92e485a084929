"""Who asked a ``$member-match``, what was decided, and the exact answer sent for it."""

from __future__ import annotations

from dataclasses import dataclass, field

from exchange.domain.consent import OrgId


@dataclass(frozen=True)
class Requester:
    partner_id: str
    client_id: str
    actor: str
    organization_identifiers: tuple[OrgId, ...]


@dataclass(frozen=True)
class MatchResult:
    decision_id: str
    outcome: str  # an identity Outcome, or consent_refused, or refused (brute force)
    reason: str
    member_key: str | None = None  # set only when the answer may name the member
    consent_policy: str | None = None
    retry_after_s: int = 0
    refusals: tuple[str, ...] = field(default_factory=tuple)
    status: int = 200  # the HTTP status of the answer
    body: bytes = b""  # the FHIR answer exactly as sent (its sha256 is in the audit event)
