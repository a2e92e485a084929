"""Records' content hashes for the offline import of a first run, computed by DuckDB.

The same hash as ``run_rows.record_hashes``: SHA-256 of ``json.dumps(props, sort_keys=True,
default=str)`` where ``props`` are a record's stored properties without nulls. DuckDB builds
that JSON text (``{"name": value, ...}``, json's separators) and hashes it, on every core.
A record with a string JSON would escape (quotes, backslashes, control or non-ASCII
characters) is hashed the per-record way, and so is every record when a column has a type
not handled here.
"""

from __future__ import annotations

import pyarrow as pa

from graph.json_text import object_sql, select
from graph.run_rows import EXCLUDED_PROPERTIES, record_hashes

_PLAIN = r"'[\x20\x21\x23-\x5b\x5d-\x7e]*'"  # printable ASCII but '"' and '\': JSON writes it as it is
_STRING_TYPES = (pa.string(), pa.large_string())


def content_hashes(records: pa.Table) -> list[str]:
    """The content hash of each record, in table order."""
    names = sorted(n for n in records.column_names if n not in EXCLUDED_PROPERTIES)
    columns = [_column(f"c{i}", records.column(name).type) for i, name in enumerate(names)]
    if any(c is None for c in columns):
        return record_hashes(records)
    values = [value for value, _plain in columns]  # type: ignore[misc]
    plains = [plain for _value, plain in columns if plain]  # type: ignore[misc]
    table = pa.table({f"c{i}": records.column(name) for i, name in enumerate(names)})
    found = select(table, f"sha256({object_sql(names, values)}) AS hash, {' AND '.join(plains) or 'true'} AS plain")
    hashes: list[str] = found.column("hash").to_pylist()
    escaped = [i for i, plain in enumerate(found.column("plain").to_pylist()) if not plain]
    if escaped:
        for i, digest in zip(escaped, record_hashes(records.take(escaped)), strict=True):
            hashes[i] = digest
    return hashes


def _column(ref: str, kind: pa.DataType) -> tuple[str, str] | None:
    """(the SQL of the value's JSON text, the SQL true when json writes it without escapes,
    or "" when it always does); None for a type not handled here."""
    if kind in _STRING_TYPES:
        return f"'\"' || {ref} || '\"'", f"coalesce(regexp_full_match({ref}, {_PLAIN}), true)"
    if pa.types.is_date32(kind) or pa.types.is_integer(kind):
        return (
            f"'\"' || CAST({ref} AS VARCHAR) || '\"'" if pa.types.is_date32(kind) else f"CAST({ref} AS VARCHAR)"
        ), ""
    if pa.types.is_boolean(kind):
        return f"CASE WHEN {ref} THEN 'true' WHEN NOT {ref} THEN 'false' END", ""
    if pa.types.is_list(kind) and kind.value_type in _STRING_TYPES:
        value = f"'[' || array_to_string(list_transform({ref}, lambda x: '\"' || x || '\"'), ', ') || ']'"
        each = f"lambda x: coalesce(regexp_full_match(x, {_PLAIN}), false)"  # a null item is json's null: escaped
        plain = f"coalesce(list_bool_and(list_transform({ref}, {each})), true)"
        return value, plain
    return None
