"""The partner registry in Neo4j: reads, and one function per change that runs inside a given transaction.

Each ``*_in(tx, ...)`` function reads what it needs, applies the domain rule and writes the
change with its history record, all through the caller's ``TxRunner``: a later change can
append the audit ledger event in the same transaction. ``registered``/``rotated``/
``status_changed`` are the one-call versions used by the CLI.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from graph.store import GraphStore, TxRunner
from security.domain.keysets import KeySet
from security.domain.lifecycle import KEYS_CHANGEABLE, PartnerStatus, check_transition
from security.domain.partner import Approval, Change, ChangeKind, Partner
from security.domain.scopes import known


class PartnerError(ValueError):
    """The registry cannot do what was asked (unknown partner, duplicate id, revoked partner)."""


def _change_row(change: Change, details: dict[str, Any] | None = None) -> dict[str, Any]:
    a = change.approval
    return {
        "kind": change.kind.value, "actor": a.actor.strip(), "approval": a.reference.strip(),
        "reason": a.reason.strip(),
        "from_status": change.from_status.value if change.from_status else None,
        "to_status": change.to_status.value if change.to_status else None,
        "details": json.dumps(details or {}, sort_keys=True),
    }  # fmt: skip


def _key_set_row(key_set: KeySet) -> dict[str, Any]:
    jwks = json.dumps(key_set.jwks, sort_keys=True) if key_set.jwks is not None else None
    return {"keys_id": key_set.keys_id, "jwks": jwks, "jwks_url": key_set.jwks_url}


def _partner(row: dict[str, Any]) -> Partner:
    p = row["partner"]
    key_sets = tuple(
        KeySet(
            keys_id=k["keys_id"],
            jwks=json.loads(k["jwks"]) if k.get("jwks") else None,
            jwks_url=k.get("jwks_url"),
            valid_until=datetime.fromtimestamp(k["valid_until_s"], UTC) if k.get("valid_until_s") else None,
        )
        for k in row["key_sets"]
    )
    identifiers = tuple((i.split("|", 1)[0], i.split("|", 1)[1]) for i in p.get("identifiers") or [])
    return Partner(
        partner_id=p["partner_id"], name=p["name"], client_id=p["client_id"], status=PartnerStatus(p["status"]),
        scopes=known(p.get("scopes") or []), identifiers=identifiers, key_sets=key_sets,
    )  # fmt: skip


def by_client_id(store: GraphStore, client_id: str) -> Partner | None:
    rows = store.read("security/partner_by_client_id", {"client_id": client_id})
    return _partner(rows[0]) if rows else None


def by_id(store: GraphStore, partner_id: str) -> Partner | None:
    rows = store.read("security/partner_by_id", {"partner_id": partner_id})
    return _partner(rows[0]) if rows else None


def status_of(store: GraphStore, partner_id: str) -> PartnerStatus | None:
    rows = store.read("security/partner_status", {"partner_id": partner_id})
    return PartnerStatus(rows[0]["status"]) if rows else None


def all_partners(store: GraphStore) -> list[dict[str, Any]]:
    return store.read("security/list_partners")


def history(store: GraphStore, partner_id: str) -> list[dict[str, Any]]:
    if by_id(store, partner_id) is None:
        raise PartnerError(f"no partner {partner_id!r}")
    return [row["change"] for row in store.read("security/partner_history", {"partner_id": partner_id})]


def _existing(tx: TxRunner, partner_id: str) -> Partner:
    rows = tx.run("security/partner_by_id", {"partner_id": partner_id})
    if not rows:
        raise PartnerError(f"no partner {partner_id!r}")
    return _partner(rows[0])


def register_in(tx: TxRunner, partner: Partner, approval: Approval) -> None:
    """Create the partner with its first key set (a duplicate id raises ``ConstraintError``)."""
    (key_set,) = partner.key_sets
    row = {
        "partner_id": partner.partner_id, "name": partner.name, "client_id": partner.client_id,
        "status": partner.status.value, "scopes": sorted(s.value for s in partner.scopes),
        "identifiers": [f"{system}|{value}" for system, value in partner.identifiers],
    }  # fmt: skip
    details = {"client_id": partner.client_id, "scopes": row["scopes"], "keys_id": key_set.keys_id}
    change = _change_row(Change(ChangeKind.REGISTERED, approval, to_status=partner.status), details)
    tx.run("security/register_partner", {"partner": row, "key_set": _key_set_row(key_set), "change": change})


def rotate_keys_in(tx: TxRunner, partner_id: str, new: KeySet, overlap: timedelta, approval: Approval) -> None:
    """Make ``new`` current; the previous current set stays valid for ``overlap``."""
    partner = _existing(tx, partner_id)
    if partner.status not in KEYS_CHANGEABLE:
        raise PartnerError(f"partner {partner_id} is {partner.status}; its keys cannot change")
    valid_until = datetime.now(UTC) + overlap
    details = {"keys_id": new.keys_id, "previous_valid_until": valid_until.isoformat(timespec="seconds")}
    params = {"partner_id": partner_id, "key_set": _key_set_row(new), "valid_until": valid_until}
    change = _change_row(Change(ChangeKind.KEY_ROTATED, approval), details)
    tx.run("security/rotate_partner_keys", {**params, "change": change})


def change_status_in(tx: TxRunner, partner_id: str, wanted: PartnerStatus, approval: Approval) -> PartnerStatus:
    """Move the partner to ``wanted`` through the lifecycle table; returns the status it left."""
    current = _existing(tx, partner_id).status
    check_transition(partner_id, current, wanted)
    params = {"partner_id": partner_id, "from_status": current.value, "to_status": wanted.value}
    change = _change_row(Change(ChangeKind.STATUS_CHANGED, approval, current, wanted))
    moved = tx.run("security/set_partner_status", {**params, "change": change})
    if not moved or moved[0]["moved"] != 1:
        raise PartnerError(f"partner {partner_id} changed meanwhile; try again")
    return current
