"""``p2p graph quality``: cluster quality checks that open disputes for stewards."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from graph.quality import QualityReport, run_quality_checks
from graph.quality_checks import DEFAULT_MAX_RECORDS, DEFAULT_WEAK_WEIGHT, Check, Thresholds
from p2p.bootstrap import ensure_neo4j, graph_store
from p2p.cli.common import console, finite, friendly_errors, settings

SHOWN = 50  # findings listed one by one; the rest are only counted


@friendly_errors
def quality(
    member: Annotated[
        list[str] | None, typer.Option("--member", help="Check only this member key (repeatable; default: all).")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Report the findings; open no disputes.")] = False,
    max_records: Annotated[
        int, typer.Option("--max-records", min=1, help="More records than this in one member is OVERSIZED_CLUSTER.")
    ] = DEFAULT_MAX_RECORDS,
    weak_weight: Annotated[
        float,
        typer.Option("--weak-weight", help="A bridge link below this match weight is a BRIDGE_LINK.", callback=finite),
    ] = DEFAULT_WEAK_WEIGHT,
) -> None:
    """Find suspicious clusters (weak bridges, records holding groups together, oversized members, must-not-link
    pairs joined through other links) and dispute the weakest link of each (running it again opens nothing new)."""
    cfg = settings()
    ensure_neo4j(cfg)
    with graph_store(cfg) as store:
        report = run_quality_checks(
            store, member or None, Thresholds(weak_weight=weak_weight, max_records=max_records), dry_run=dry_run
        )
    _print(report)


def _print(report: QualityReport) -> None:
    for key in report.missing_members:
        console.print(f"No active member {key} with current records; skipped.", style="yellow")
    if report.findings:
        details = Table("check", "member", "link to dispute", "records", "reason", title="Findings")
        for finding in report.findings[:SHOWN]:
            details.add_row(
                finding.check.value,
                finding.member_key,
                finding.link_id,
                ", ".join(finding.record_ids),
                finding.reason,
            )
        console.print(details)
        if len(report.findings) > SHOWN:
            console.print(f"… and {len(report.findings) - SHOWN} more findings.")
    disputes = "disputes to open" if report.dry_run else "disputes"
    summary = Table("check", "findings", disputes, title=f"{report.members_checked} members checked")
    found, planned = report.findings_per_check(), report.disputes_per_check()
    for check in Check:
        summary.add_row(check.value, str(found[check]), str(planned[check]))
    console.print(summary)
    already = (
        f" ({len(report.already_disputed)} flagged links were already disputed)" if report.already_disputed else ""
    )
    if report.dry_run:
        console.print(f"Dry run: {len(report.disputes)} disputes would be opened{already}; nothing was written.")
    else:
        console.print(f"{report.disputes_opened} disputes opened{already}.")
