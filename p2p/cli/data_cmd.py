"""``p2p data ...``: check and normalise member extracts in the canonical schema."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from matching.canonical.errors import CanonicalDataError
from matching.canonical.pipeline import prepare
from matching.canonical.report import write_report
from p2p.cli.common import UserError, console, friendly_errors

MappingOption = Annotated[
    Path | None, typer.Option("--mapping", help="JSON or TOML file mapping source column names to canonical ones.")
]

app = typer.Typer(help="Validate and normalise member extracts (canonical schema).", no_args_is_help=True)


@app.command()
@friendly_errors
def validate(
    extract: Annotated[Path, typer.Argument(help="CSV or Parquet file in the canonical schema.")],
    out: Annotated[
        Path, typer.Option("--out", help="Folder for accepted.parquet, rejects.csv, issues.csv, summary.json.")
    ],
    mapping: MappingOption = None,
) -> None:
    """Validate and normalise an extract; report every rejected row and every nulled value."""
    try:
        with console.status(f"Validating {extract.name}…"):
            prepared = prepare(extract, mapping)
    except CanonicalDataError as exc:
        raise UserError(str(exc)) from None
    written = write_report(prepared.validation, prepared.records, out, extract)
    summary = prepared.validation.summary()
    table = Table("measure", "count", title=f"{extract.name}")
    table.add_row("rows in", str(summary["rows_in"]))
    table.add_row("accepted", str(summary["accepted"]))
    table.add_row("rejected", str(summary["rejected"]))
    for reason, count in summary["rejected_by_reason"].items():
        table.add_row(f"  rejected: {reason}", str(count))
    for reason, count in summary["values_nulled_by_reason"].items():
        table.add_row(f"  value nulled: {reason}", str(count))
    console.print(table)
    if summary["ignored_columns"]:
        console.print(f"Ignored columns (not canonical, not mapped): {', '.join(summary['ignored_columns'])}")
    console.print("Wrote " + ", ".join(str(p) for p in written.values()))
