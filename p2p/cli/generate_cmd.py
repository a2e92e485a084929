"""``p2p generate``: a synthetic population of several payers whose truth is known (records,
truth, switches with consent, FHIR histories), written atomically into ``--out``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from p2p.cli.common import UserError, console, friendly_errors
from synthetic import GenerationResult, GeneratorConfig, HistoryScope, OutputNotEmptyError
from synthetic import generate as generate_population


@friendly_errors
def generate(
    out: Annotated[Path, typer.Option("--out", help="Folder to create (must be absent or empty).", file_okay=False)],
    members: Annotated[int, typer.Option("--members", min=1, help="Persons in the population.")] = 10_000,
    seed: Annotated[int, typer.Option("--seed", min=0, help="Same seed and options, same bytes.")] = 42,
    payers: Annotated[int, typer.Option("--payers", min=2, max=26, help="Number of payers.")] = 3,
    history: Annotated[
        HistoryScope, typer.Option("--history", case_sensitive=False, help="Whose FHIR histories to write.")
    ] = HistoryScope.ALL,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace an earlier output in --out.")] = False,
) -> None:
    """Generate overlapping member populations of several payers, with ground truth, the
    payer-switch list and each member's FHIR R4 history."""
    try:
        config = GeneratorConfig(members=members, seed=seed, payers=payers, history=history)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise UserError(problems) from None
    columns = (TextColumn("{task.description:<16}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=False) as bar:
        tasks: dict[str, TaskID] = {}

        def report(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = bar.add_task(step, total=total)
            bar.update(tasks[step], completed=done, total=total)

        try:
            result = generate_population(config, out, overwrite=overwrite, progress=report)
        except OutputNotEmptyError as exc:
            raise UserError(str(exc)) from None
    console.print(summary_table(result))


def summary_table(result: GenerationResult) -> Table:
    table = Table(title=f"Synthetic population in {result.out}", title_justify="left")
    table.add_column("what")
    table.add_column("count", justify="right")
    for payer, count in result.records_per_payer.items():
        table.add_row(f"records {payer}", f"{count:,}")
    table.add_row("persons", f"{result.persons:,}")
    table.add_row("persons in more than one payer", f"{result.multi_payer_persons:,}")
    table.add_row("switches", f"{result.switches:,}")
    table.add_row("members with a FHIR history", f"{result.histories:,}")
    for kind, count in result.resources_per_type.items():
        table.add_row(f"FHIR {kind}", f"{count:,}")
    table.add_row("files", f"{result.files:,} ({result.bytes / 1e6:,.1f} MB)")
    table.add_row("seconds", f"{result.seconds:,.1f}")
    return table
