"""The NDJSON files of an export, assembled with DuckDB from the member data store: only the
records of the members allowed at export time (a registered Arrow table joined to the
Parquet files of our own payer partition), within the window of dates, of the types asked,
in (type, id) order; sensitive resources withheld for members under a ``#regular`` consent
(``release_rules.withheld``), ``_typeFilter`` queries applied (``type_filter.admits``), claims
made non-financial, one file per type (more past
``max_lines``), each named by its hash."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from exchange.bulk.export_request import Window
from exchange.bulk.files import NdjsonSink
from exchange.bulk.manifest import ExportFile
from exchange.bulk.non_financial import non_financial
from exchange.domain.release_rules import UNDATED_TYPES, withheld
from exchange.domain.type_filter import TypeFilters, admits
from exchange.member_data.store import MemberDataStore

_FETCH = 2000
_SELECT = """
SELECT d.resource_type, d.sensitive, d.security_labels, d.resource_json, a.include_sensitive, d.record_id,
       a.member_key
FROM read_parquet($files, hive_partitioning = true) AS d
JOIN allowed AS a ON a.record_id = d.record_id
WHERE d.payer_id = $payer_id
  AND (len($types) = 0 OR list_contains($types, d.resource_type))
  AND (list_contains($undated, d.resource_type)
       OR (d.service_date >= $since AND ($until IS NULL OR d.service_date <= $until)))
ORDER BY d.resource_type, d.resource_id
"""


@dataclass(frozen=True)
class Allowed:
    record_id: str
    include_sensitive: bool
    member_key: str  # the Patient id the partner knows the member by (the key its match returned)


def as_member(kind: str, text: str, record_id: str, member_key: str) -> str:
    """The resource as our FHIR API names the member: ``Patient/<record id>`` references (and a
    Patient's own id) become the member key the match returned, so the receiving payer can
    tell whose each resource is. Ids are plain tokens, so a quoted replace is exact."""
    text = text.replace(f'"Patient/{record_id}"', f'"Patient/{member_key}"')
    return text.replace(f'"id":"{record_id}"', f'"id":"{member_key}"', 1) if kind == "Patient" else text


def assemble(
    data: MemberDataStore,
    allowed: Sequence[Allowed],
    types: Sequence[str],
    window: Window,
    folder: Path,
    max_lines: int,
    progress: Callable[[int], None],
    filters: TypeFilters | None = None,
) -> list[ExportFile]:
    """Write the files into ``folder``; ``progress(resources written)`` is called every fetch
    (it raises to stop: a cancelled job leaves only temp files, which the caller removes)."""
    files = sorted(str(p) for p in data.partition.glob("resource_type=*/*.parquet"))
    if not files or not allowed:
        return []
    table = pa.table({"record_id": [a.record_id for a in allowed],
                      "include_sensitive": [a.include_sensitive for a in allowed],
                      "member_key": [a.member_key for a in allowed]})  # fmt: skip
    params = {"files": files, "payer_id": data.payer_id, "types": list(types), "undated": list(UNDATED_TYPES),
              "since": window.since, "until": window.until}  # fmt: skip
    written: list[ExportFile] = []
    sink: NdjsonSink | None = None
    total = 0
    with duckdb.connect() as connection:
        connection.register("allowed", table)
        result = connection.execute(_SELECT, params)
        try:
            while batch := result.fetchmany(_FETCH):
                for kind, sensitive, labels, text, include_sensitive, record_id, member_key in batch:
                    if withheld(bool(sensitive), labels, bool(include_sensitive)):
                        continue
                    if filters and kind in filters and not admits(filters, kind, json.loads(text)):
                        continue
                    if sink is not None and (sink.resource_type != kind or sink.count >= max_lines):
                        written.append(sink.close())
                        sink = None
                    sink = sink or NdjsonSink(folder, kind)
                    compact = text if "\n" not in text else json.dumps(json.loads(text))
                    line = as_member(kind, compact, record_id, member_key).encode()
                    sink.write(non_financial(line) if kind == "ExplanationOfBenefit" else line)
                    total += 1
                progress(total)
        except BaseException:
            if sink is not None:
                sink.discard()
            raise
    if sink is not None:
        written.append(sink.close())
    return written
