"""Read member extracts (CSV or Parquet) into canonical column names, all values as text.

An optional mapping file renames an extract's columns to canonical ones, as JSON or
TOML: ``{"MBR_FIRST_NM" = "first_name", ...}``. Columns that are neither canonical nor
mapped are ignored and reported; canonical columns that are absent stay absent.
"""

from __future__ import annotations

import csv
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from matching.canonical.errors import CanonicalDataError
from matching.canonical.schema import CANONICAL_COLUMNS, DATE_COLUMNS, RECORD_ID

ROW_NUMBER = "_row"  # where the row is in its file: the line in a CSV, the 1-based row in Parquet


@dataclass(frozen=True)
class MalformedRow:
    row: int
    detail: str
    values: dict[str, str]


@dataclass
class LoadedExtract:
    path: Path
    table: pa.Table  # canonical columns present (strings) plus ROW_NUMBER
    ignored_columns: list[str] = field(default_factory=list)
    malformed: list[MalformedRow] = field(default_factory=list)

    @property
    def columns(self) -> list[str]:
        return [c for c in self.table.column_names if c != ROW_NUMBER]


def read_mapping(path: Path) -> dict[str, str]:
    try:
        text = path.read_text(encoding="utf-8")
        raw = tomllib.loads(text) if path.suffix.lower() == ".toml" else json.loads(text)
    except (OSError, ValueError) as exc:
        raise CanonicalDataError(f"cannot read the column mapping {path}: {exc}") from None
    if not isinstance(raw, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in raw.items()):
        raise CanonicalDataError(f"column mapping {path} must map source column names to canonical names")
    unknown = sorted(set(raw.values()) - set(CANONICAL_COLUMNS))
    if unknown:
        raise CanonicalDataError(f"column mapping {path} targets unknown canonical columns: {', '.join(unknown)}")
    return raw


def load_extract(path: Path, mapping: dict[str, str] | None = None) -> LoadedExtract:
    """Load one file. Raises CanonicalDataError if it is unreadable, empty or has no record_id."""
    if path.is_dir():
        raise CanonicalDataError(f"{path}: is a folder; give a CSV or Parquet file")
    if not path.is_file():
        raise CanonicalDataError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        columns, rows, numbers, malformed = _read_csv(path)
        table = pa.table({c: pa.array([r[i] or None for r in rows], pa.string()) for i, c in enumerate(columns)})
    elif suffix == ".parquet":
        try:
            table = pq.read_table(path)
        except (pa.ArrowException, OSError) as exc:
            raise CanonicalDataError(f"{path}: cannot be read as PARQUET: {exc}") from None
        columns, numbers, malformed = table.column_names, list(range(1, table.num_rows + 1)), []
    else:
        raise CanonicalDataError(f"{path}: expected a .csv or .parquet file")
    return _to_canonical(path, table, columns, numbers, malformed, mapping or {})


def _read_csv(path: Path) -> tuple[list[str], list[list[str]], list[int], list[MalformedRow]]:
    """Rows with the header's number of fields; the others are kept aside with their line."""
    rows: list[list[str]] = []
    numbers: list[int] = []
    malformed: list[MalformedRow] = []
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle, strict=True)
            header = next(reader, None)
            if header is None:
                raise CanonicalDataError(f"{path}: the file is empty")
            header = [h.strip() for h in header]
            line = reader.line_num
            for fields in reader:
                first_line, line = line + 1, reader.line_num
                if len(fields) == len(header):
                    rows.append(fields)
                    numbers.append(first_line)
                elif any(f.strip() for f in fields):
                    reason = f"{len(fields)} fields where the header has {len(header)}"
                    malformed.append(MalformedRow(first_line, reason, dict(zip(header, fields, strict=False))))
    except UnicodeDecodeError:
        raise CanonicalDataError(
            f"{path}: cannot be read as CSV: line {_first_line_not_utf8(path)} is not UTF-8 text;"
            " save the extract as UTF-8"
        ) from None
    except csv.Error as exc:
        raise CanonicalDataError(f"{path}: cannot be read as CSV: {exc}") from None
    return header, rows, numbers, malformed


SEPARATORS = {";": "semicolons", "\t": "tabs", "|": "vertical bars"}


def _delimiter_hint(columns: list[str], mapping: dict[str, str]) -> str | None:
    """A one-column header that holds record_id once split on another separator: say so."""
    if len(columns) != 1:
        return None
    for separator, name in SEPARATORS.items():
        if RECORD_ID in (mapping.get(c.strip(), c.strip()) for c in columns[0].split(separator)):
            return f"the file is separated by {name}, not commas: save it as comma-separated CSV"
    return None


def _first_line_not_utf8(path: Path) -> int:
    """The text layer decodes in blocks, so where it failed says nothing about the line; a UTF-8
    sequence never spans a line break, so lines can be tried one by one."""
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                return number
    return 1


def _to_canonical(
    path: Path,
    table: pa.Table,
    source_columns: list[str],
    numbers: list[int],
    malformed: list[MalformedRow],
    mapping: dict[str, str],
) -> LoadedExtract:
    renamed = [mapping.get(c, c) for c in source_columns]
    duplicates = sorted({c for c in renamed if renamed.count(c) > 1 and c in CANONICAL_COLUMNS})
    if duplicates:
        raise CanonicalDataError(f"{path}: more than one column becomes {', '.join(duplicates)} after mapping")
    if RECORD_ID not in renamed:
        fix = _delimiter_hint(source_columns, mapping) or "map one with a mapping file"
        raise CanonicalDataError(f"{path}: no {RECORD_ID} column (columns: {', '.join(source_columns)}); {fix}")
    if table.num_rows == 0 and not malformed:
        raise CanonicalDataError(f"{path}: the file has no rows")
    arrays, names, ignored = [], [], []
    for source, target in zip(source_columns, renamed, strict=True):
        if target not in CANONICAL_COLUMNS:
            ignored.append(source)
            continue
        arrays.append(_as_text(path, source, target, table.column(source)))
        names.append(target)
    order = sorted(range(len(names)), key=lambda i: CANONICAL_COLUMNS.index(names[i]))
    out = pa.table([arrays[i] for i in order], names=[names[i] for i in order])
    out = out.append_column(ROW_NUMBER, pa.array(numbers, type=pa.int64()))
    renamed_malformed = [
        MalformedRow(m.row, m.detail, {mapping.get(k, k): v for k, v in m.values.items()}) for m in malformed
    ]
    return LoadedExtract(path=path, table=out, ignored_columns=ignored, malformed=renamed_malformed)


def _as_text(path: Path, source: str, target: str, column: pa.ChunkedArray) -> pa.ChunkedArray:
    """A Parquet column as text: numbers as written, a date or date-time in a date column as
    YYYY-MM-DD; a type that has no text form (a list, a struct, bytes that are not UTF-8) is
    refused by name, without quoting any value."""
    kind = column.type
    if pa.types.is_string(kind):
        return column
    if target in DATE_COLUMNS and (pa.types.is_timestamp(kind) or pa.types.is_date(kind)):
        return pc.strftime(column, format="%Y-%m-%d")
    try:
        return column.cast(pa.string())
    except (pa.ArrowException, ValueError):
        raise CanonicalDataError(
            f"{path}: column {source} is of type {kind}, which cannot be read as text; export it as text"
        ) from None
