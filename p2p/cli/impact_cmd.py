"""``p2p match impact OLD_RUN NEW_RUN``: before publishing a new model, what would change — pairs
that change decision, what loading the new run would do to the graph's links (the same
supersession rules as ``p2p graph load``), and which unfinished transfers those changes touch."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pyarrow as pa
import pyarrow.parquet as pq
import typer
from rich.table import Table

from graph.run_folder import PAIRS_FILE, read_run_meta
from matching.linkage import model_diff
from p2p.bootstrap import graph_store
from p2p.cli.common import console, friendly_errors, settings

RunDir = Annotated[Path, typer.Argument(help="A matching run folder (p2p match run --out).", file_okay=False)]


def _pairs(run: Path) -> pa.Table:
    read_run_meta(run)  # a complete run of one piece, with the columns compared below, or a clear refusal
    return pq.read_table(run / PAIRS_FILE)


@friendly_errors
def impact(
    old_run: RunDir,
    new_run: RunDir,
    limit: Annotated[int, typer.Option(min=1, help="Unfinished transfers read from the graph at most.")] = 100_000,
) -> None:
    """Compare two runs of the same records and list the unfinished transfers their changes touch."""
    old, new = _pairs(old_run), _pairs(new_run)
    changes = model_diff.decision_changes(old, new)
    table = Table("old decision", "new decision", "pairs", title="Pairs that change decision", title_justify="left")
    for row in model_diff.change_counts(changes):
        table.add_row(row["old"], row["new"], f"{row['pairs']:,}")
    console.print(table)
    plan = model_diff.graph_plan(old, new, actor="model:impact")
    console.print("Loading the new run would:", model_diff.plan_counts(plan))
    with graph_store(settings()) as store:
        rows = store.read("transfers/unfinished_transfer_records", {"limit": limit})
    affected = model_diff.affected_transfers(changes, {r["transfer_id"]: r["record_ids"] for r in rows})
    console.print(f"Unfinished transfers touched: {len(affected)} of {len(rows)}")
    for transfer_id, pairs in list(affected.items())[:20]:
        console.print(f"  {transfer_id}: {pairs} changed pair(s)   (p2p transfers show {transfer_id})")
