"""Partners for local runs (the demo, the benchmarks, the reliability suite): generated payers
registered and activated at once with fresh keys, approved by a demo operator."""

from __future__ import annotations

from datetime import timedelta

from graph.store import GraphStore
from security import partners, registry
from security.domain.lifecycle import PartnerStatus
from security.domain.partner import Approval
from security.keys import SigningKey, generate_private_key
from synthetic.switch_requests import payer_identifier

APPROVAL = Approval("operator:demo", "DEMO-ONBOARDING")
SCOPES = ["system/Patient.member-match", "system/Patient.read"]


def partner_with_fresh_key(store: GraphStore, partner_id: str) -> tuple[str, SigningKey]:
    """A generated payer registered as an active partner (its NPI-like identifier from the
    generator) with a fresh key; a previous run's key is rotated out. Returns its client id
    and key."""
    key = SigningKey(generate_private_key())
    return register_or_rotate(store, partner_id, key, SCOPES, partner_id), key


def register_or_rotate(store: GraphStore, partner_id: str, key: SigningKey, scopes: list[str], payer: str) -> str:
    """``partner_id`` active with ``key`` (registered, or its previous keys rotated out at once),
    identified as the generated ``payer``; returns its client id."""
    keys = partners.key_set({"keys": [key.jwk]}, None, ())
    known = registry.by_id(store, partner_id)
    if known is not None:
        partners.rotate_key(store, partner_id, keys, timedelta(0), APPROVAL)
        return known.client_id
    system, value = payer_identifier(payer)
    created = partners.register(store, partner_id=partner_id, name=f"Demo {partner_id}", scopes=scopes,
                                identifiers=[f"{system}|{value}"], keys=keys, approval=APPROVAL)  # fmt: skip
    partners.set_status(store, partner_id, PartnerStatus.ACTIVE, APPROVAL)
    return created.client_id
