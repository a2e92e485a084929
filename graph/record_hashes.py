"""Records' content hashes a column at a time (the offline import's planning of 1M records).

The same hash as ``run_rows.record_hashes``: SHA-256 of ``json.dumps(props, sort_keys=True,
default=str)`` where ``props`` are a record's stored properties without nulls. Each column's
JSON text is built by pyarrow (``"name": value``); a string that JSON would escape (quotes,
backslashes, control or non-ASCII characters) is encoded by ``json`` itself, and a column of
any other type than those below makes the whole table go the per-record way. Only the
SHA-256 of each row's text runs per record in Python.
"""

from __future__ import annotations

import hashlib
import json

import pyarrow as pa
import pyarrow.compute as pc

from graph.run_rows import EXCLUDED_PROPERTIES, record_hashes

_ENCODE = json.JSONEncoder(default=str).encode
_PLAIN_TEXT = r"^[\x20\x21\x23-\x5b\x5d-\x7e]*$"  # printable ASCII but '"' and '\': JSON writes it as it is
_STRING_TYPES = (pa.string(), pa.large_string())


def content_hashes(records: pa.Table) -> list[str]:
    """The content hash of each record, in table order."""
    names = sorted(n for n in records.column_names if n not in EXCLUDED_PROPERTIES)
    fragments = [_fragment(name, records.column(name)) for name in names]
    if any(f is None for f in fragments):
        return record_hashes(records)
    joined = pc.binary_join_element_wise(*fragments, ", ", null_handling="skip")
    texts = pc.binary_join_element_wise("{", joined, "}", "")
    sha = hashlib.sha256
    return [sha(text.encode()).hexdigest() for text in texts.to_pylist()]


def _fragment(name: str, column: pa.ChunkedArray) -> pa.ChunkedArray | None:
    """``"name": <JSON value>`` per row, null where the value is null; None for a type not handled here."""
    kind = column.type
    if kind in _STRING_TYPES or pa.types.is_date32(kind):
        value = _json_strings(column.cast(pa.string()))
    elif pa.types.is_integer(kind):
        value = column.cast(pa.string())
    elif pa.types.is_boolean(kind):
        value = pc.if_else(column, "true", "false")
    elif pa.types.is_list(kind) and kind.value_type in _STRING_TYPES:
        value = _json_string_lists(column)
    else:
        return None
    return pc.binary_join_element_wise(_ENCODE(name) + ": ", value, "")


def _json_strings(column: pa.ChunkedArray) -> pa.ChunkedArray:
    plain = pc.match_substring_regex(column, _PLAIN_TEXT)
    quoted = pc.binary_join_element_wise('"', column, '"', "")
    escape = pc.invert(pc.fill_null(plain, True))
    if not pc.any(escape).as_py():
        return quoted
    encoded = [_ENCODE(v) for v in column.filter(escape).to_pylist()]
    replaced = pc.replace_with_mask(quoted.combine_chunks(), escape.combine_chunks(), pa.array(encoded, pa.string()))
    return pa.chunked_array([replaced])


def _json_string_lists(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """``["a", "b"]`` per row (json's separators), null where the list is null."""
    lists = column.combine_chunks()
    items = _json_strings(pa.chunked_array([lists.values], lists.type.value_type)).combine_chunks()
    rows = pa.ListArray.from_arrays(lists.offsets, items, mask=lists.is_null())
    return pc.binary_join_element_wise("[", pc.binary_join(rows, ", "), "]", "")
