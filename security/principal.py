"""Who is calling: a partner system, a data steward or an operator, with the scopes its token carries."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    PARTNER = "partner"
    STEWARD = "steward"
    OPERATOR = "operator"


class Scope(StrEnum):
    MEMBER_MATCH = "system/Patient.member-match"
    BULK_MATCH = "system/Group.bulk-member-match"
    EXPORT = "system/Group.export"
    PATIENT_READ = "system/Patient.read"
    TRANSFERS = "system/Transfer.write"
    STEWARD = "user/steward"
    AUDIT = "user/audit"


# The scopes each role may ever hold: a partner never gets a user/* scope and a person never a
# system/* one, so requiring a scope also requires the role that goes with it.
ROLE_SCOPES: dict[Role, frozenset[Scope]] = {
    Role.PARTNER: frozenset({Scope.MEMBER_MATCH, Scope.BULK_MATCH, Scope.EXPORT, Scope.PATIENT_READ, Scope.TRANSFERS}),
    Role.STEWARD: frozenset({Scope.STEWARD}),
    Role.OPERATOR: frozenset({Scope.AUDIT}),
}


@dataclass(frozen=True)
class Principal:
    subject: str  # partner_id for partners; the person's name for stewards/operators
    role: Role
    client_id: str
    scopes: frozenset[Scope]
    # (system, value) of the partner payer, e.g. ("http://hl7.org/fhir/sid/us-npi", "0123456789"); empty for people
    organization_identifiers: tuple[tuple[str, str], ...] = ()
    token_id: str = ""

    def may(self, scope: Scope) -> bool:
        return scope in self.scopes and scope in ROLE_SCOPES[self.role]

    @property
    def actor(self) -> str:
        """``partner:<id>``, ``steward:<name>`` or ``operator:<name>``, for audit events and history."""
        return f"{self.role.value}:{self.subject}"

    @property
    def is_partner(self) -> bool:
        return self.role is Role.PARTNER
