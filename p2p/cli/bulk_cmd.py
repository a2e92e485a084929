"""``p2p bulk pull``: as the new payer, pull many new members' histories from one previous
payer at once ($bulk-member-match, then $davinci-data-export of the matched Group), verify
every file's hash and ingest each member's data with its provenance."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from pydantic import ValidationError
from rich.table import Table

from exchange.bulk.pull import Partner, PullError
from exchange.bulk.pull_flow import our_member_bundle, pull
from exchange.bulk.pull_lease import PullBusy
from exchange.member_match.outbound import Card, Grant
from exchange.transfers.contract import TransferRequest
from exchange.transfers.partners import PartnerUnavailable, endpoint
from p2p.bootstrap import graph_store
from p2p.cli.common import UserError, console, friendly_errors, settings
from p2p.cli.common import log_level as checked_level
from p2p.cli.interrupts import sigterm_as_interrupt
from p2p.logs import configure
from security.client import PartnerTokenError, SmartClient
from security.http import outbound_client
from security.keys import load_signing_key

BULK_SCOPES = "system/Group.bulk-member-match system/Group.export"
app = typer.Typer(help="Bulk exchange as the new payer.", no_args_is_help=True)


def _requests(path: Path, partner_id: str) -> list[TransferRequest]:
    """One ``POST /transfers`` body per line, each for ``partner_id``; a bad line is named."""
    if not path.is_file():
        raise UserError(f"{path} is not a file")
    requests = []
    for number, line in enumerate(path.read_bytes().splitlines(), start=1):
        if not line.strip():
            continue
        try:
            request = TransferRequest.model_validate(json.loads(line))  # bytes: json decodes (and checks) UTF-8
        except ValueError as exc:  # not UTF-8, not JSON, or not a request (ValidationError)
            raise UserError(f"{path}:{number}: {_problem(exc)}") from None
        if request.previous_payer != partner_id:
            raise UserError(f"{path}:{number}: previous_payer is {request.previous_payer}, not {partner_id}")
        requests.append(request)
    if not requests:
        raise UserError(f"{path} holds no request")
    return requests


def _problem(exc: ValueError) -> str:
    """What is wrong with a line, naming the field; never the value (a request carries member ids)."""
    if not isinstance(exc, ValidationError):
        return "not a JSON object in UTF-8"
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    return f"{where}: {first['msg']}" if where else first["msg"]


def _busy(exc: PullBusy) -> UserError:
    """What an operator reads when the pull is running elsewhere (or its holder died recently)."""
    try:
        until = datetime.fromisoformat(exc.until).strftime("%Y-%m-%d %H:%M:%S UTC")
    except ValueError:
        until = exc.until
    return UserError(f"pull {exc.pull_id} is being run by {exc.holder} until {until} (the lease is renewed while "
                     f"it runs); wait for that run to finish (`p2p bulk status {exc.pull_id}` shows where it is), "
                     f"or, if that process is gone, run this command again after {until} to take the pull over "
                     "where it stopped")  # fmt: skip


@app.command("pull")
@friendly_errors
def pull_command(
    partner_id: Annotated[str, typer.Argument(help="The previous payer (a registered partner with an endpoint).")],
    requests_file: Annotated[Path, typer.Argument(help="JSON lines, one POST /transfers body per member.")],
    transfer_id: Annotated[
        str | None,
        typer.Option(help="Id of the pull, recorded as the data's provenance; an unfinished pull's id resumes it."),
    ] = None,
    log_level: Annotated[str, typer.Option(help="Technical log level (JSON lines on stderr).")] = "WARNING",
) -> None:
    """Match our new members at the previous payer in bulk, export and ingest their histories."""
    cfg = settings()
    configure(checked_level(log_level))
    requests = _requests(requests_file, partner_id)
    transfer = transfer_id or f"B-{uuid.uuid4().hex[:20]}"
    with graph_store(cfg) as store, outbound_client(cfg) as http:
        try:
            e = endpoint(store, partner_id)
        except PartnerUnavailable as exc:
            raise UserError(str(exc)) from None
        if not e.identifiers:
            raise UserError(f"{partner_id} has no identifier in the registry")
        theirs, ours = e.identifiers[0], cfg.our_identifiers[0]
        bundles: list[dict[str, Any]] = []
        for r in requests:
            p = r.previous_coverage
            bundle = our_member_bundle(
                store, cfg.payer_id, r.member_key,
                Card(theirs, p.member_id, p.subscriber_id, p.group, p.plan, p.start, p.end),
                Card(ours, r.new_coverage.member_id, start=r.new_coverage.start),
                Grant(r.consent.policy == "sensitive", r.consent.start, r.consent.end, theirs, ours),
            )  # fmt: skip
            if bundle is None:
                raise UserError(f"no record of member {r.member_key} at {cfg.payer_id}")
            bundles.append(bundle)
        smart = SmartClient(http, load_signing_key(cfg), token_url=e.token_url, client_id=e.client_id,
                            scope=BULK_SCOPES)  # fmt: skip
        console.print(f"Bulk pull {transfer}: if it stops, run the same command with --transfer-id {transfer} "
                      "to resume it where it stopped.")  # fmt: skip
        try:
            with sigterm_as_interrupt(), console.status(f"Pulling {len(bundles)} members from {partner_id}…"):
                report = pull(store, cfg.data_dir, http, Partner(partner_id, e.fhir_base_url, smart.token), bundles,
                              transfer, f"bulk-{transfer}", lease_s=cfg.bulk_pull_lease_s)  # fmt: skip
        except PullBusy as exc:
            raise _busy(exc) from None
        except (PullError, PartnerTokenError, httpx.HTTPError) as exc:
            raise UserError(f"bulk pull from {partner_id} failed: {exc}") from None
    table = Table("measure", "value", title=f"Bulk pull {transfer} from {partner_id}", title_justify="left")
    for name in ("matched", "not_matched", "refused_members", "files", "resources", "ingested_files", "unattributed"):
        table.add_row(name.replace("_", " "), str(getattr(report, name)))
    console.print(table)


@app.command("status")
@friendly_errors
def status_command(pull_id: Annotated[str, typer.Argument(help="The pull's id (its --transfer-id).")]) -> None:
    """Where a pull is: its stage, who runs it and until when, restarted steps, files and members done."""
    with graph_store(settings()) as store:
        rows = store.read("bulk/pull", {"pull_id": pull_id})
    if not rows:
        raise UserError(f"no bulk pull {pull_id}")
    table = Table("field", "value", title=f"Bulk pull {pull_id}", title_justify="left")
    for name, value in rows[0]["pull"].items():
        table.add_row(name.replace("_", " "), "" if value is None else str(value))
    console.print(table)
