"""Partner registry use cases (what `p2p partner ...` runs): validate the input, then one transaction each."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from neo4j.exceptions import ConstraintError

from graph.store import GraphStore
from security import registry
from security.domain.jwks import JwksError, check_jwks, url_allowed
from security.domain.keysets import KeySet
from security.domain.lifecycle import PartnerStatus
from security.domain.partner import Approval, Partner, check_client_id, check_partner_id, parse_identifier
from security.domain.scopes import check_registrable
from security.registry import PartnerError


def key_set(jwks: Any | None, jwks_url: str | None, allowlist: Iterable[str]) -> KeySet:
    """A new key set from an inline JWKS or a JWKS URL on the allow-list."""
    if (jwks is None) == (jwks_url is None):
        raise JwksError("give either a JWKS or a JWKS URL")
    if jwks_url is not None and not url_allowed(jwks_url, allowlist):
        raise JwksError(f"{jwks_url} is not on P2P_AUTH_JWKS_URL_ALLOWLIST (https, a listed prefix, no userinfo)")
    checked = check_jwks(jwks) if jwks is not None else None
    return KeySet(keys_id=str(uuid.uuid4()), jwks=checked, jwks_url=jwks_url)


def new_client_id() -> str:
    return secrets.token_hex(24)  # starts with a letter or digit, as ids in audit events must


def register(
    store: GraphStore,
    *,
    partner_id: str,
    name: str,
    scopes: Iterable[str],
    identifiers: Iterable[str],
    keys: KeySet,
    approval: Approval,
    client_id: str | None = None,
) -> Partner:
    """A new partner in ``onboarding``: it obtains tokens once activated."""
    if not name.strip():
        raise ValueError("a partner needs a name")
    partner = Partner(
        partner_id=check_partner_id(partner_id),
        name=name.strip(),
        client_id=check_client_id(client_id) if client_id else new_client_id(),
        status=PartnerStatus.ONBOARDING,
        scopes=check_registrable(scopes),
        identifiers=tuple(parse_identifier(i) for i in identifiers),
        key_sets=(keys,),
    )
    try:
        store.in_write_transaction(lambda tx: registry.register_in(tx, partner, approval))
    except ConstraintError:
        raise PartnerError(f"partner id {partner.partner_id!r} or its client id is already registered") from None
    return partner


def rotate_key(store: GraphStore, partner_id: str, keys: KeySet, overlap: timedelta, approval: Approval) -> None:
    store.in_write_transaction(lambda tx: registry.rotate_keys_in(tx, partner_id, keys, overlap, approval))


def set_status(store: GraphStore, partner_id: str, wanted: PartnerStatus, approval: Approval) -> PartnerStatus:
    """Returns the status the partner left."""
    return store.in_write_transaction(lambda tx: registry.change_status_in(tx, partner_id, wanted, approval))
