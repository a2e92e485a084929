"""Writing the output: Parquet with fixed settings (same input, same bytes), file digests,
the manifest, and the atomic swap of a finished temporary folder into place."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

import pyarrow as pa
import pyarrow.parquet as pq

from synthetic.config import GENERATOR

MANIFEST: Final = "manifest.json"
_EPOCH: Final = 719_163  # date(1970, 1, 1).toordinal()


class OutputNotEmptyError(Exception):
    """The output folder holds files and overwriting was not asked for (or is not safe)."""


def strings(values: Sequence[str]) -> pa.Array:
    return pa.array(values, type=pa.string())


def dates(ordinals: Sequence[int]) -> pa.Array:
    """Date ordinals (0 = no date) as a date32 column."""
    return pa.array([o - _EPOCH if o else None for o in ordinals], type=pa.int32()).cast(pa.date32())


ROW_GROUP: Final = 65_536


def parquet_writer(
    path: Path, schema: pa.Schema, *, dictionary: Sequence[str] = (), no_statistics: Sequence[str] = ()
) -> pq.ParquetWriter:
    """zstd, statistics (min/max only, no timestamps) on the columns readers filter by: the
    bytes depend on the rows alone (and on how they are split into row groups)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return pq.ParquetWriter(
        path,
        schema,
        compression="zstd",
        compression_level=3,
        use_dictionary=list(dictionary),
        write_statistics=[name for name in schema.names if name not in no_statistics],
        data_page_version="2.0",
        version="2.6",
    )


def write_parquet(
    table: pa.Table, path: Path, *, dictionary: Sequence[str] = (), no_statistics: Sequence[str] = ()
) -> None:
    with parquet_writer(path, table.schema, dictionary=dictionary, no_statistics=no_statistics) as writer:
        writer.write_table(table, row_group_size=ROW_GROUP)


def digest(path: Path) -> dict[str, Any]:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return {"sha256": sha.hexdigest(), "bytes": path.stat().st_size}


def write_manifest(root: Path, content: dict[str, Any], files: dict[str, dict[str, Any]]) -> None:
    body = {"generator": GENERATOR, **content, "files": dict(sorted(files.items()))}
    (root / MANIFEST).write_text(json.dumps(body, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def check_target(out: Path, overwrite: bool) -> None:
    """Refuse a non-empty folder unless overwriting; even then only a previous output of this
    generator (it has our manifest) is replaced, never an unrelated folder."""
    if out.exists() and not out.is_dir():
        raise OutputNotEmptyError(f"{out} exists and is not a folder")
    if not out.is_dir() or not any(out.iterdir()):
        return
    if not overwrite:
        raise OutputNotEmptyError(f"{out} is not empty; pass --overwrite to replace it")
    try:
        generator = json.loads((out / MANIFEST).read_text(encoding="utf-8")).get("generator")
    except (OSError, ValueError, AttributeError):
        generator = None
    if generator != GENERATOR:
        raise OutputNotEmptyError(
            f"{out} is not empty and is not a previous output of this generator; not replacing it"
        )


def temporary_sibling(out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.partial-{os.getpid()}"
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir()
    return tmp


def swap_into_place(tmp: Path, out: Path) -> None:
    """Replace ``out`` by the finished ``tmp`` with renames (atomic on one filesystem)."""
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    if out.is_dir() and not any(out.iterdir()):
        out.rmdir()
    if out.exists():
        out.rename(old)
    tmp.rename(out)
    if old.exists():
        shutil.rmtree(old)
