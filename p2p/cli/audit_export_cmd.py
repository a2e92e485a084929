"""``p2p audit export --fhir``, ``p2p audit archive`` and ``p2p audit verify-archive``:
the ledger leaving the database, as FHIR or as a self-verifying archive."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from audit import clock
from audit.archive import archive as write_archive
from audit.archive import verify_archive as check_archive
from audit.errors import AuditError
from audit.fhir_export import correlation_bundle
from audit.search import parse_when
from p2p.bootstrap import audit_keys, graph_store
from p2p.cli.audit_report import fail
from p2p.cli.common import UserError, console, friendly_errors, settings


@friendly_errors
def export(
    correlation_id: Annotated[
        str, typer.Option("--correlation-id", help="Export the events under this correlation id.")
    ],
    fhir: Annotated[bool, typer.Option("--fhir", help="As a FHIR R4 Bundle (AuditEvent + Provenance).")] = False,
    out: Annotated[Path | None, typer.Option("--out", help="Write to this file instead of the console.")] = None,
) -> None:
    """Export audit events as FHIR AuditEvent resources (IHE BALP) with Provenance of received data."""
    if not fhir:
        raise UserError("only --fhir exports exist (use `p2p audit search --json` for the ledger's own form)")
    config = settings()
    with graph_store(config) as store:
        found = correlation_bundle(store, correlation_id, config.payer_id)
    if found is None:
        raise UserError(f"no audit event has correlation id {correlation_id}")
    text = json.dumps(found, indent=2, ensure_ascii=False)
    if out is None:
        console.print_json(text)
        return
    out.write_text(text + "\n", encoding="utf-8")
    console.print(f"{len(found['entry'])} resources: {out}")


@friendly_errors
def archive(
    before: Annotated[str, typer.Option("--before", help="Archive events dated before this date (YYYY-MM-DD).")],
    out: Annotated[Path, typer.Option("--out", help="Folder for events.jsonl and manifest.json.")],
) -> None:
    """Export events older than the retention period (P2P_AUDIT_RETENTION_YEARS) with the
    checkpoint signatures covering them; nothing is deleted from the ledger."""
    config = settings()
    try:
        cut = parse_when(before)
        with graph_store(config) as store:
            done = write_archive(store, audit_keys(config), cut, out, config.audit_retention_years, clock.now())
    except AuditError as exc:
        raise UserError(str(exc)) from None
    console.print(f"{done.events:,} events (seq 1..{done.last_seq}) archived in {done.folder}; verify with "
                  f"`p2p audit verify-archive {done.folder}`")  # fmt: skip


@friendly_errors
def verify_archive(
    folder: Annotated[Path, typer.Argument(help="An archive folder made by `p2p audit archive`.")],
) -> None:
    """Verify an archive on its own: its chain from genesis and its checkpoint signatures."""
    if not (folder / "manifest.json").is_file() or not (folder / "events.jsonl").is_file():
        raise UserError(f"{folder} is not an audit archive (manifest.json and events.jsonl expected)")
    try:
        report = check_archive(folder)
    except AuditError as exc:
        raise UserError(str(exc)) from None
    if report.ok:
        console.print(
            Text.assemble(("OK", "green"), f": {report.events:,} events, {report.checkpoints} checkpoints verify")
        )
        return
    fail(report)
