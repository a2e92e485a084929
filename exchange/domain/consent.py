"""May we honour the member's consent to disclose to the requester? HRex consent rules
(hrex-consent profile, mm-1, mm-11) over plain values: no FHIR, no I/O."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

REGULAR = "http://hl7.org/fhir/us/davinci-hrex/StructureDefinition-hrex-consent.html#regular"
SENSITIVE = "http://hl7.org/fhir/us/davinci-hrex/StructureDefinition-hrex-consent.html#sensitive"
POLICIES = {REGULAR: "regular", SENSITIVE: "sensitive"}

OrgId = tuple[str, str]  # (identifier system, value)


class ConsentRefusal(StrEnum):
    MISSING = "consent_missing"
    NOT_ACTIVE = "consent_not_active"
    NOT_PERMIT = "consent_not_permit"
    UNKNOWN_POLICY = "consent_policy_unsupported"
    CANNOT_SEGMENT = "consent_regular_cannot_filter_sensitive"
    NOT_YET_VALID = "consent_period_not_started"
    EXPIRED = "consent_period_ended"
    NO_PERIOD = "consent_period_missing"
    WE_ARE_NOT_SOURCE = "consent_source_not_this_payer"
    REQUESTER_NOT_RECIPIENT = "consent_recipient_not_requester"
    NOT_DISCLOSE = "consent_action_not_disclose"


@dataclass(frozen=True)
class ConsentTerms:
    """What a Consent says, as the rules need it."""

    status: str | None
    provision_type: str | None
    policy_uris: Sequence[str]
    period_start: date | None
    period_end: date | None
    sources: Sequence[OrgId]
    recipients: Sequence[OrgId]
    actions: Sequence[str]  # consentaction codes


@dataclass(frozen=True)
class ConsentVerdict:
    honoured: bool
    refusals: tuple[ConsentRefusal, ...] = ()
    policy: str | None = None  # "regular" or "sensitive" when honoured

    @property
    def reason(self) -> str | None:
        return self.refusals[0].value if self.refusals else None


def evaluate(
    terms: ConsentTerms | None,
    today: date,
    us: Collection[OrgId],
    requester: Collection[OrgId],
    can_filter_sensitive: bool,
) -> ConsentVerdict:
    """Every rule is checked, so the refusal lists all that fail (the first is the reason)."""
    if terms is None:
        return ConsentVerdict(False, (ConsentRefusal.MISSING,))
    refusals: list[ConsentRefusal] = []
    if terms.status != "active":
        refusals.append(ConsentRefusal.NOT_ACTIVE)
    if terms.provision_type != "permit":
        refusals.append(ConsentRefusal.NOT_PERMIT)
    policies = [POLICIES[u] for u in terms.policy_uris if u in POLICIES]
    policy = "sensitive" if "sensitive" in policies else ("regular" if policies else None)
    if policy is None:
        refusals.append(ConsentRefusal.UNKNOWN_POLICY)
    elif policy == "regular" and not can_filter_sensitive:
        refusals.append(ConsentRefusal.CANNOT_SEGMENT)
    if terms.period_start is None or terms.period_end is None:
        refusals.append(ConsentRefusal.NO_PERIOD)
    elif today < terms.period_start:
        refusals.append(ConsentRefusal.NOT_YET_VALID)
    elif today > terms.period_end:
        refusals.append(ConsentRefusal.EXPIRED)
    if not set(terms.sources) & set(us):
        refusals.append(ConsentRefusal.WE_ARE_NOT_SOURCE)
    if not set(terms.recipients) & set(requester):
        refusals.append(ConsentRefusal.REQUESTER_NOT_RECIPIENT)
    if "disclose" not in terms.actions:
        refusals.append(ConsentRefusal.NOT_DISCLOSE)
    return ConsentVerdict(not refusals, tuple(refusals), policy if not refusals else None)
