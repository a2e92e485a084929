"""``p2p transfers ...``: see transfers (dead letters first) and act on them, each action
with a mandatory reason; ``p2p transfers endpoint``: where we call a previous payer."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Annotated, Any, TypeVar

import typer
from rich.table import Table

from audit import clock
from exchange.domain.transfer import IllegalTransition, Owner, TransferState
from exchange.transfers import operations, partners, repository, views
from exchange.transfers.operations import TransferNotFound
from graph.store import GraphStore
from p2p.bootstrap import graph_store
from p2p.cli.common import UserError, console, friendly_errors, settings

T = TypeVar("T")
app = typer.Typer(help="Transfers: list, show, replay dead letters, cancel, supersede, reopen identity.",
                  no_args_is_help=True)  # fmt: skip
TransferId = Annotated[str, typer.Argument(help="The transfer id (T-...).")]
By = Annotated[str, typer.Option("--by", help="Your name (recorded as operator:<name>).")]
Reason = Annotated[str, typer.Option("--reason", help="Why (kept in the transfer's history).")]


def _with_store(work: Callable[[GraphStore], T]) -> T:
    try:
        with graph_store(settings()) as store:
            return work(store)
    except TransferNotFound as exc:
        raise UserError(f"no transfer {exc}") from None
    except (IllegalTransition, ValueError, partners.PartnerUnavailable) as exc:
        raise UserError(str(exc)) from None


@app.command("list")
@friendly_errors
def list_(
    state: Annotated[TransferState | None, typer.Option(help="Only this state (e.g. dead_lettered).")] = None,
    owner: Annotated[Owner | None, typer.Option(help="Only transfers this owner must act on.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 50,
) -> None:
    """Transfers, most recently changed first."""
    params = {"state": state.value if state else None, "owner": owner.value if owner else None, "limit": limit}
    rows = _with_store(lambda s: s.read("transfers/list_transfers", params))
    table = Table("transfer", "state", "owner", "reason", "partner", "member", "updated")
    for r in (row["transfer"] for row in rows):
        table.add_row(r["transfer_id"], r["state"], r["owner"], r["reason"], r["partner_id"], r["member_key"],
                      r["updated_at"][:19])  # fmt: skip
    console.print(table if rows else "no transfers")


@app.command()
@friendly_errors
def show(transfer_id: TransferId) -> None:
    """A transfer's state, owner, timers, history and attempts, as JSON."""
    view = _with_store(lambda s: views.visible(s, transfer_id, None))
    if view is None:
        raise UserError(f"no transfer {transfer_id}")
    console.print_json(json.dumps(view))


def _acted(view: Mapping[str, Any]) -> None:
    console.print(f"{view['transfer_id']}: now {view['state']} (owner {view['owner']}, reason {view['reason']})")


@app.command()
@friendly_errors
def replay(transfer_id: TransferId, by: By, reason: Reason) -> None:
    """Re-drive a dead-lettered transfer from its failed step (new idempotency keys)."""
    _acted(_with_store(lambda s: operations.replay(s, transfer_id, f"operator:{by}", reason)))


@app.command()
@friendly_errors
def cancel(transfer_id: TransferId, by: By, reason: Reason) -> None:
    """Cancel a transfer that has not finished."""
    _acted(_with_store(lambda s: operations.cancel(s, transfer_id, f"operator:{by}", reason)))


@app.command()
@friendly_errors
def supersede(
    transfer_id: TransferId, by: By, reason: Reason,
    superseded_by: Annotated[str | None, typer.Option("--superseded-by", help="The transfer replacing it.")] = None,
) -> None:  # fmt: skip
    """Supersede a transfer (a newer one replaces it)."""
    _acted(_with_store(lambda s: operations.supersede(s, transfer_id, f"operator:{by}", reason, superseded_by)))


@app.command("reopen-identity")
@friendly_errors
def reopen_identity(transfer_id: TransferId, by: By, reason: Reason) -> None:
    """Send a transfer rejected on identity grounds back to identity review (held until settled)."""
    _acted(_with_store(lambda s: operations.reopen_identity(s, transfer_id, f"operator:{by}", reason)))


@app.command()
@friendly_errors
def endpoint(
    partner_id: Annotated[str, typer.Argument(help="A registered partner (the previous payer).")],
    fhir_base: Annotated[str, typer.Option("--fhir-base", help="The partner's FHIR base URL.")],
    token_url: Annotated[str, typer.Option("--token-url", help="The partner's token endpoint.")],
    client_id: Annotated[str, typer.Option("--client-id", help="The client id the partner registered us under.")],
    scope: Annotated[str, typer.Option(help="Scopes we ask the partner for.")] = partners.DEFAULT_SCOPE,
) -> None:
    """Where and how we call a previous payer (its public key registration is on its side)."""
    _with_store(lambda s: partners.set_endpoint(s, partner_id, fhir_base_url=fhir_base, token_url=token_url,
                                                client_id=client_id, scope=scope))  # fmt: skip
    console.print(f"{partner_id}: we call {fhir_base} with tokens from {token_url}")


@app.command()
@friendly_errors
def summary() -> None:
    """How many transfers are in each state (and who owns them), and the outbox backlog."""
    row = _with_store(lambda s: s.read("transfers/state_counts", {"now": repository.stamp(clock.now())}))[0]
    table = Table("state", "owner", "transfers")
    for s in row["states"]:
        table.add_row(s["state"], s["owner"], str(s["transfers"]))
    console.print(table)
    console.print(f"outbox: {row['pending_messages']} pending, {row['due_messages']} due now")
