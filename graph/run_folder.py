"""The matching run folder a load reads (``run.json``, ``records.parquet``, ``pairs.parquet``),
checked before anything is written: a folder that is incomplete, damaged or mixes two runs is
refused with what to do, instead of failing halfway through a load."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from graph.errors import GraphError

RUN_FILE, RECORDS_FILE, PAIRS_FILE = "run.json", "records.parquet", "pairs.parquet"
# The pair columns the loader reads from every row (graph/run_rows.plan_links).
PAIR_COLUMNS = ("left_record_id", "right_record_id", "decision", "match_weight", "match_probability", "must_not_link")
NAMED = ("run_id", "model_version")  # what run.json must hold; runs made by `p2p match run` also count rows
REMAKE = "make the run again with `p2p match run`"


class RunFolderError(GraphError):
    """The run folder cannot be loaded as it is; nothing was written."""


def read_run_meta(folder: Path) -> dict[str, Any]:
    """``run.json`` once it is known to describe the two tables beside it (counts and columns
    are read from the Parquet footers, not from the data)."""
    meta = _meta(folder)
    for name, counted, needed in ((RECORDS_FILE, "records", ("record_id",)), (PAIRS_FILE, "pairs", PAIR_COLUMNS)):
        rows, columns = _shape(folder / name)
        if counted in meta and meta[counted] != rows:
            raise RunFolderError(
                f"{folder / name} holds {rows} rows but {RUN_FILE} says {meta[counted]}: the folder mixes two runs"
                f" or was not completely written; {REMAKE}"
            )
        missing = [c for c in needed if c not in columns]
        if missing and rows:
            raise RunFolderError(f"{folder / name} lacks the columns {', '.join(missing)}; {REMAKE}")
    return meta


def _meta(folder: Path) -> dict[str, Any]:
    path = folder / RUN_FILE
    if not path.is_file():
        raise RunFolderError(f"{folder} is not a matching run folder (no {RUN_FILE}); make one with `p2p match run`")
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise RunFolderError(f"{path} is not valid JSON; {REMAKE}") from None
    if not isinstance(meta, dict) or not all(isinstance(meta.get(k), str) and meta[k] for k in NAMED):
        raise RunFolderError(f"{path} does not name a run_id and a model_version; {REMAKE}")
    return dict(meta)


def _shape(path: Path) -> tuple[int, list[str]]:
    if not path.is_file():
        raise RunFolderError(f"{path} is missing: the run was not completely written; {REMAKE}")
    try:
        footer = pq.ParquetFile(path).metadata
    except (pa.ArrowException, OSError):
        raise RunFolderError(f"{path} is not a readable Parquet file; {REMAKE}") from None
    return footer.num_rows, list(footer.schema.to_arrow_schema().names)
