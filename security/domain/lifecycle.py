"""Partner lifecycle. The allowed transitions are this one table; anything else is refused.

    onboarding -> active | revoked
    active     -> suspended | revoked
    suspended  -> active | revoked
    revoked: final

Only an ``active`` partner obtains tokens or uses one: a suspended or revoked partner loses
access at once (each request re-checks the status).
"""

from __future__ import annotations

from enum import StrEnum


class PartnerStatus(StrEnum):
    ONBOARDING = "onboarding"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    REVOKED = "revoked"


ALLOWED: dict[PartnerStatus, frozenset[PartnerStatus]] = {
    PartnerStatus.ONBOARDING: frozenset({PartnerStatus.ACTIVE, PartnerStatus.REVOKED}),
    PartnerStatus.ACTIVE: frozenset({PartnerStatus.SUSPENDED, PartnerStatus.REVOKED}),
    PartnerStatus.SUSPENDED: frozenset({PartnerStatus.ACTIVE, PartnerStatus.REVOKED}),
    PartnerStatus.REVOKED: frozenset(),
}

# Statuses in which the partner's keys may still be changed (a revoked partner is never reopened).
KEYS_CHANGEABLE = frozenset({PartnerStatus.ONBOARDING, PartnerStatus.ACTIVE, PartnerStatus.SUSPENDED})


class IllegalPartnerTransition(ValueError):
    """A partner was asked to move to a status its current status does not allow."""

    def __init__(self, partner_id: str, current: PartnerStatus, wanted: PartnerStatus) -> None:
        allowed = ", ".join(sorted(ALLOWED[current])) or "nothing (final status)"
        super().__init__(f"partner {partner_id} is {current}; it cannot become {wanted} (allowed: {allowed})")
        self.current, self.wanted = current, wanted


def check_transition(partner_id: str, current: PartnerStatus, wanted: PartnerStatus) -> None:
    if wanted not in ALLOWED[current]:
        raise IllegalPartnerTransition(partner_id, current, wanted)


def may_use_tokens(status: PartnerStatus) -> bool:
    return status is PartnerStatus.ACTIVE
