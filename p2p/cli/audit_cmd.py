"""``p2p audit ...``: verify, search, checkpoint and evidence over the tamper-evident audit ledger."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from audit import service
from audit.domain.packets import Packet
from audit.errors import AuditError
from audit.evidence_proof import write_packet
from audit.keys import AuditKeys
from audit.search import Criteria, parse_when
from graph.stewardship import StewardError
from graph.store import GraphStore
from p2p.bootstrap import audit_keys, graph_store
from p2p.cli import audit_export_cmd
from p2p.cli.audit_report import fail
from p2p.cli.common import UserError, console, friendly_errors, settings

app = typer.Typer(help="The tamper-evident audit ledger: verify, search, checkpoint, evidence.", no_args_is_help=True)
T = TypeVar("T")


def _with_store(work: Callable[[GraphStore, AuditKeys], T]) -> T:
    config = settings()
    try:
        with graph_store(config) as store:
            return work(store, audit_keys(config))
    except (AuditError, StewardError) as exc:
        raise UserError(str(exc)) from None


@app.command()
@friendly_errors
def verify(page_size: Annotated[int, typer.Option(min=100, max=50_000, help="Events read per query.")] = 5_000) -> None:
    """Walk the whole chain and every checkpoint; exit code 1 names the first bad sequence number."""
    columns = (TextColumn("verifying"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("verify", total=None)
        report = _with_store(
            lambda store, keys: service.verify(
                store,
                keys,
                page_size=page_size,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
        )
    checkpoint = report.last_good_checkpoint
    signed = f"; last good checkpoint seq {checkpoint.seq} ({checkpoint.at})" if checkpoint else "; no checkpoint yet"
    console.print(f"{report.events:,} events, head seq {report.last_seq}, {report.checkpoints} checkpoints{signed}")
    if report.ok:
        console.print(Text.assemble(("OK", "green"), f": the chain verifies; head hash {report.last_hash}"))
        return
    fail(report)


@app.command()
@friendly_errors
def search(
    member: Annotated[str | None, typer.Option("--member", help="Member key.")] = None,
    correlation_id: Annotated[str | None, typer.Option("--correlation-id")] = None,
    transfer: Annotated[str | None, typer.Option("--transfer", help="Transfer id.")] = None,
    case: Annotated[str | None, typer.Option("--case", help="Case id.")] = None,
    partner: Annotated[str | None, typer.Option("--partner", help="Partner id.")] = None,
    since: Annotated[str | None, typer.Option(help="From this date or UTC date-time (inclusive).")] = None,
    until: Annotated[str | None, typer.Option(help="Up to this date (inclusive) or date-time (exclusive).")] = None,
    after: Annotated[int, typer.Option(min=0, help="Start after this seq (the next page).")] = 0,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="JSON instead of a table.")] = False,
) -> None:
    """Events matching every criterion given, in chain order, one page at a time."""
    try:
        criteria = Criteria(
            member_key=member, correlation_id=correlation_id, transfer_id=transfer, case_id=case, partner_id=partner,
            since=parse_when(since) if since else None, until=parse_when(until, end_of_day=True) if until else None,
        )  # fmt: skip
    except AuditError as exc:
        raise UserError(str(exc)) from None
    page = _with_store(lambda store, _keys: service.search_events(store, criteria, after=after, limit=limit))
    if as_json:
        console.print_json(json.dumps({"events": page.events, "next_after": page.next_after}))
        return
    table = Table("seq", "occurred_at", "actor", "action", "resource", "outcome", "reason", "members", "intact")
    for e in page.events:
        resource, members = f"{e['resource_type']} {e['resource_id']}", ", ".join(e["member_keys"] or [])
        intact = Text("yes") if e["intact"] else Text("NO", style="red")
        table.add_row(str(e["seq"]), e["occurred_at"], e["actor"], e["action"], resource, e["outcome"],
                      e["reason_code"], members, intact)  # fmt: skip
    console.print(table)
    more = f"; next page: --after {page.next_after}" if page.next_after is not None else ""
    console.print(f"{len(page.events)} events{more}")


@app.command()
@friendly_errors
def checkpoint() -> None:
    """Sign the chain head with the ledger's Ed25519 key (created on first use)."""
    signed, new = _with_store(service.checkpoint)
    state = "signed" if new else "already signed"
    console.print(f"checkpoint {state}: seq {signed.seq}, hash {signed.hash}, at {signed.at}, key {signed.key_id}")
    console.print(f"public key: {settings().audit_public_keys_path / (signed.key_id + '.pem')}")


@app.command("public-key")
@friendly_errors
def public_key() -> None:
    """Print the public key checkpoints are signed with (PEM), to publish."""
    console.print(_with_store(lambda _store, keys: service.public_key_pem(keys)), end="")


def _packet(
    store: GraphStore, keys: AuditKeys, member: str | None, transfer: str | None, correlation_id: str | None
) -> Packet:
    if member is not None:
        packet = service.member_evidence(store, keys, member)
    else:
        packet = service.transfer_evidence(store, keys, transfer_id=transfer, correlation_id=correlation_id)
    if packet is None:
        subject = (
            f"member {member}" if member else f"transfer {transfer}" if transfer else f"correlation id {correlation_id}"
        )
        raise UserError(f"nothing is recorded for {subject}")
    return packet


@app.command()
@friendly_errors
def evidence(
    out: Annotated[Path, typer.Option("--out", help="Folder for the JSON and HTML files.")],
    member: Annotated[str | None, typer.Option("--member", help="Member key.")] = None,
    transfer: Annotated[str | None, typer.Option("--transfer", help="Transfer id.")] = None,
    correlation_id: Annotated[str | None, typer.Option("--correlation-id", help="Correlation id.")] = None,
) -> None:
    """Evidence packet for a member, a transfer or a correlation id, with its chain proof."""
    if sum(x is not None for x in (member, transfer, correlation_id)) != 1:
        raise UserError("give exactly one of --member, --transfer, --correlation-id")
    packet = _with_store(lambda store, keys: _packet(store, keys, member, transfer, correlation_id))
    json_path, html_path = write_packet(packet, out)
    events = len(packet.sections[0].rows)
    proof = ("verified", "green") if packet.verified else ("FAILED", "red")
    console.print(Text.assemble(f"{events} events, chain proof ", proof, f": {json_path} and {html_path}"))
    if not packet.verified:
        raise typer.Exit(1)


app.command()(audit_export_cmd.export)
app.command()(audit_export_cmd.archive)
app.command("verify-archive")(audit_export_cmd.verify_archive)
