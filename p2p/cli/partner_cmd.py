"""``p2p partner ...``: the partner registry; every change names who made it and its approval reference."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.table import Table

from graph.store import GraphStore
from p2p.bootstrap import graph_store
from p2p.cli.common import UserError, console, friendly_errors, settings
from security import partners, registry
from security.domain.keysets import KeySet
from security.domain.lifecycle import PartnerStatus
from security.domain.partner import Approval

app = typer.Typer(
    help="Register partner payers, rotate their keys, suspend, reinstate and revoke them.", no_args_is_help=True
)

T = TypeVar("T")
PartnerId = Annotated[str, typer.Argument(help="Partner id, e.g. payer-b.")]
By = Annotated[str, typer.Option("--by", help="Your name (recorded as operator:<name>).")]
ApprovalRef = Annotated[str, typer.Option("--approval", help="Approval reference (ticket, change request).")]
Reason = Annotated[str, typer.Option("--reason", help="Why (recorded in the partner's history).")]
JwksFile = Annotated[
    Path | None, typer.Option("--jwks", help="JSON file of the partner's public JWKS.", dir_okay=False)
]
JwksUrl = Annotated[str | None, typer.Option("--jwks-url", help="URL of the partner's JWKS (on the allow-list).")]


def _with_store(work: Callable[[GraphStore], T]) -> T:
    try:
        with graph_store(settings()) as store:
            return work(store)
    except ValueError as exc:  # PartnerError, IllegalPartnerTransition, JwksError and input rules
        raise UserError(str(exc)) from None


def _keys(jwks: Path | None, jwks_url: str | None) -> KeySet:
    document: Any = None
    if jwks is not None:
        try:
            document = json.loads(jwks.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise UserError(f"cannot read the JWKS file {jwks}: {exc}") from None
    try:
        return partners.key_set(document, jwks_url, settings().auth_jwks_url_allowlist)
    except ValueError as exc:
        raise UserError(str(exc)) from None


def _approval(by: str, approval: str, reason: str = "") -> Approval:
    try:
        return Approval(actor=f"operator:{by.strip()}", reference=approval, reason=reason)
    except ValueError as exc:
        raise UserError(str(exc)) from None


@app.command()
@friendly_errors
def register(
    partner_id: PartnerId,
    name: Annotated[str, typer.Option("--name", help="The payer's name.")],
    scope: Annotated[list[str], typer.Option("--scope", help="A scope it may request (repeat).")],
    by: By,
    approval: ApprovalRef,
    jwks: JwksFile = None,
    jwks_url: JwksUrl = None,
    identifier: Annotated[
        list[str] | None, typer.Option("--identifier", help="SYSTEM|VALUE, e.g. its NPI (repeat).")
    ] = None,
    client_id: Annotated[str | None, typer.Option("--client-id", help="Client id to use (default: generated).")] = None,
    reason: Reason = "",
) -> None:
    """Register a partner (status onboarding) with its public keys; prints its client id."""
    keys, who = _keys(jwks, jwks_url), _approval(by, approval, reason)
    partner = _with_store(
        lambda store: partners.register(
            store,
            partner_id=partner_id,
            name=name,
            scopes=scope,
            identifiers=identifier or [],
            keys=keys,
            approval=who,
            client_id=client_id,
        )
    )
    console.print(f"registered {partner.partner_id} ({partner.status}); client_id {partner.client_id}")
    console.print(f"activate it with: p2p partner activate {partner.partner_id} --by NAME --approval REF")


@app.command("rotate-key")
@friendly_errors
def rotate_key(
    partner_id: PartnerId,
    by: By,
    approval: ApprovalRef,
    jwks: JwksFile = None,
    jwks_url: JwksUrl = None,
    overlap: Annotated[int | None, typer.Option("--overlap", min=0, help="Seconds the old keys stay valid.")] = None,
    reason: Reason = "",
) -> None:
    """Make new keys current; the previous ones stay valid for the overlap (default P2P_AUTH_KEY_OVERLAP_S)."""
    keys, who = _keys(jwks, jwks_url), _approval(by, approval, reason)
    seconds = settings().auth_key_overlap_s if overlap is None else overlap
    _with_store(lambda store: partners.rotate_key(store, partner_id, keys, timedelta(seconds=seconds), who))
    console.print(f"{partner_id}: new keys current; previous keys valid for {seconds} s more")


def _move(partner_id: str, wanted: PartnerStatus, who: Approval) -> None:
    left = _with_store(lambda store: partners.set_status(store, partner_id, wanted, who))
    console.print(f"{partner_id}: {left} -> {wanted}")


@app.command()
@friendly_errors
def activate(partner_id: PartnerId, by: By, approval: ApprovalRef, reason: Reason = "") -> None:
    """Let an onboarding partner (or a suspended one again) obtain and use tokens."""
    _move(partner_id, PartnerStatus.ACTIVE, _approval(by, approval, reason))


@app.command()
@friendly_errors
def suspend(partner_id: PartnerId, by: By, approval: ApprovalRef, reason: Reason = "") -> None:
    """Withdraw access at once (its tokens stop working within P2P_AUTH_STATUS_CACHE_S); reversible."""
    _move(partner_id, PartnerStatus.SUSPENDED, _approval(by, approval, reason))


@app.command()
@friendly_errors
def revoke(partner_id: PartnerId, by: By, approval: ApprovalRef, reason: Reason = "") -> None:
    """Withdraw access for good (revoked is final)."""
    _move(partner_id, PartnerStatus.REVOKED, _approval(by, approval, reason))


@app.command("list")
@friendly_errors
def list_cmd() -> None:
    """Every partner with its status, client id, scopes and valid key sets."""
    table = Table("partner", "name", "status", "client id", "scopes", "identifiers", "key sets")
    for p in _with_store(registry.all_partners):
        table.add_row(
            p["partner_id"], p["name"], p["status"], p["client_id"], " ".join(p["scopes"]),
            ", ".join(p["identifiers"] or []), str(p["valid_key_sets"]),
        )  # fmt: skip
    console.print(table)


@app.command()
@friendly_errors
def history(partner_id: PartnerId) -> None:
    """Every change to a partner: who, when, approval reference."""
    table = Table("#", "change", "from", "to", "at", "by", "approval", "reason")
    for c in _with_store(lambda store: registry.history(store, partner_id)):
        table.add_row(
            str(c["seq"]), c["kind"], c["from_status"] or "", c["to_status"] or "", str(c["at"])[:19],
            c["actor"], c["approval"], c["reason"] or "",
        )  # fmt: skip
    console.print(table)
