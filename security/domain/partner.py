"""A registered partner payer and the record every change to it leaves (who, when, approval)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from security.domain.keysets import KeySet
from security.domain.lifecycle import PartnerStatus
from security.principal import Scope

PARTNER_ID = re.compile(r"[a-z0-9][a-z0-9._-]{1,62}")
CLIENT_ID = re.compile(r"[A-Za-z0-9._~:-]{8,128}")


class ChangeKind(StrEnum):
    REGISTERED = "registered"
    KEY_ROTATED = "key_rotated"
    STATUS_CHANGED = "status_changed"


@dataclass(frozen=True)
class Partner:
    partner_id: str
    name: str
    client_id: str
    status: PartnerStatus
    scopes: frozenset[Scope]
    identifiers: tuple[tuple[str, str], ...]  # (system, value), e.g. the payer's NPI
    key_sets: tuple[KeySet, ...] = ()


@dataclass(frozen=True)
class Approval:
    """Who makes a change (``operator:ana``) and the approval reference (ticket, change request) that allowed it."""

    actor: str
    reference: str
    reason: str = ""

    def __post_init__(self) -> None:
        if not self.actor.strip() or self.actor.strip().endswith(":"):
            raise ValueError("every partner change names who made it")
        if not self.reference.strip():
            raise ValueError("every partner change needs an approval reference")


@dataclass(frozen=True)
class Change:
    """One change to a partner, kept as its history."""

    kind: ChangeKind
    approval: Approval
    from_status: PartnerStatus | None = None
    to_status: PartnerStatus | None = None


def check_partner_id(value: str) -> str:
    if not PARTNER_ID.fullmatch(value):
        raise ValueError(
            "a partner id is 2-63 lower-case letters, digits, '.', '_' or '-', starting with one of the first two"
        )
    return value


def check_client_id(value: str) -> str:
    if not CLIENT_ID.fullmatch(value):
        raise ValueError("a client id is 8-128 characters of A-Z a-z 0-9 . _ ~ : -")
    return value


def parse_identifier(text: str) -> tuple[str, str]:
    """``system|value``, e.g. ``http://hl7.org/fhir/sid/us-npi|0123456789`` (FHIR token syntax)."""
    system, sep, value = text.partition("|")
    if not sep or not system.strip() or not value.strip() or "|" in value:
        raise ValueError(f"an organisation identifier is SYSTEM|VALUE, got {text!r}")
    return system.strip(), value.strip()
