"""How the audit commands print a failed verification (of the ledger or of an archive), then exit 1."""

from __future__ import annotations

import typer
from rich.text import Text

from audit.domain.chain import VerificationReport
from p2p.cli.common import console


def fail(report: VerificationReport) -> None:
    """Name the first bad seq and what is wrong, then the others; exit code 1."""
    first = report.first_problem
    assert first is not None
    console.print(Text.assemble(("FAILED", "red"), f": first bad seq {first.seq} ({first.kind}): {first.message}"))
    for problem in sorted(report.problems, key=lambda p: p.seq)[1:]:
        console.print(f"  also seq {problem.seq} ({problem.kind}): {problem.message}")
    if report.more_problems:
        console.print(f"  and {report.more_problems} more")
    raise typer.Exit(1)
