"""The CSV files of an initial bulk import: the same nodes, properties and relationships a
Bolt load of the run into an empty database writes, in Neo4j's import header format.

Written with pyarrow's CSV writer (strings quoted, nulls left empty so they become absent
properties, list values joined with a separator that no value may contain).
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

ARRAY_DELIMITER = "\x1f"  # unit separator: never part of a name, address or identifier
_TYPES = {pa.string(): "", pa.large_string(): "", pa.int64(): ":long", pa.float64(): ":double", pa.bool_(): ":boolean"}


class UnsupportedImport(Exception):
    """The run holds a value the CSV import cannot write exactly as Bolt would."""


def header_type(column: pa.ChunkedArray) -> str:
    kind = column.type
    if pa.types.is_list(kind) and kind.value_type in (pa.string(), pa.large_string()):
        joined = pc.binary_join(column, "")
        if pc.any(pc.match_substring(joined, ARRAY_DELIMITER)).as_py():
            raise UnsupportedImport("a list value contains the array separator")
        if pc.any(pc.equal(pc.list_value_length(column), 0)).as_py():
            raise UnsupportedImport("an empty list (Bolt stores it, the CSV import cannot tell it from no value)")
        return ":string[]"
    if kind in _TYPES:
        return _TYPES[kind]
    if pa.types.is_integer(kind):
        return ":long"
    raise UnsupportedImport(f"a record column of type {kind} has no import type")


@dataclass(frozen=True)
class Source:
    """One node or relationship file: ``name`` is the label or relationship type."""

    name: str
    header: Path
    data: Path


@dataclass
class ImportFiles:
    """``writers`` > 1: files are written by that many threads (pyarrow's CSV writer leaves
    the GIL), the caller meanwhile planning the next file; ``arguments`` waits for them all."""

    folder: Path
    writers: int = 1
    nodes: list[Source] = field(default_factory=list)
    relationships: list[Source] = field(default_factory=list)
    _pending: list[Future[None]] = field(default_factory=list)

    def add(self, kind: str, name: str, table: pa.Table, header: Sequence[str]) -> None:
        """Write ``table`` (its columns in ``header`` order) as ``<kind>-<name>.csv`` with its header file."""
        stem = self.folder / f"{kind}-{name}"
        header_file, data_file = stem.with_suffix(".header.csv"), stem.with_suffix(".csv")
        header_file.write_text(",".join(header) + "\n")
        (self.nodes if kind == "nodes" else self.relationships).append(Source(name, header_file, data_file))
        if self.writers > 1:
            self._pending.append(_pool(self.writers).submit(_write_csv, table, data_file))
        else:
            _write_csv(table, data_file)

    def wait(self) -> None:
        """Until every file is written; a failed write raises here."""
        pending, self._pending = self._pending, []
        for write in pending:
            write.result()

    def arguments(self) -> list[str]:
        self.wait()
        args = [f"--nodes={s.name}={s.header},{s.data}" for s in self.nodes]
        return args + [f"--relationships={s.name}={s.header},{s.data}" for s in self.relationships]


def _write_csv(table: pa.Table, data_file: Path) -> None:
    columns = {
        name: (pc.binary_join(col, ARRAY_DELIMITER) if pa.types.is_list(col.type) else col)
        for name, col in zip(table.column_names, table.columns, strict=True)
    }
    options = pacsv.WriteOptions(include_header=False, quoting_style="needed")
    pacsv.write_csv(pa.table(columns), data_file, write_options=options)


@cache
def _pool(writers: int) -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=writers, thread_name_prefix="import-csv")
