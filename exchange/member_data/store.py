"""The member data store: the payer's FHIR history as hive-partitioned Parquet
(``payer_id=<payer>/resource_type=<type>/part-NNNN.parquet``, the ``p2p generate`` layout),
read with DuckDB. Only our own payer's partition is ever read; values reach DuckDB as
parameters."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

_PLAIN = re.compile(r"^[A-Za-z0-9._-]+$")
_FETCH = 500  # rows per fetch from DuckDB

_SELECT = """
SELECT resource_type, resource_id, sensitive, security_labels, resource_json
FROM read_parquet($files, hive_partitioning = true)
WHERE payer_id = $payer_id
  AND list_contains($record_ids, record_id)
  AND (len($types) = 0 OR list_contains($types, resource_type))
  AND (list_contains($undated, resource_type) OR service_date >= $since)
  AND (resource_type > $after_type OR (resource_type = $after_type AND resource_id > $after_id))
ORDER BY resource_type, resource_id
"""


@dataclass(frozen=True)
class StoredResource:
    resource_type: str
    resource_id: str
    sensitive: bool
    security_labels: str | None
    resource_json: str


@dataclass(frozen=True)
class Selection:
    """Which of a member's resources to read, in (type, id) order after ``after``."""

    record_ids: Sequence[str]
    types: Sequence[str]  # empty: every type
    since: date
    undated_types: Sequence[str]  # released whatever their date of service
    after: tuple[str, str] | None = None


class MemberDataStore:
    def __init__(self, root: Path, payer_id: str) -> None:
        if not _PLAIN.match(payer_id):
            raise ValueError(f"payer id {payer_id!r} cannot name a partition folder")
        self.root, self.payer_id = root, payer_id

    @property
    def partition(self) -> Path:
        return self.root / f"payer_id={self.payer_id}"

    def resources(self, selection: Selection) -> Iterator[StoredResource]:
        """The selected resources, streamed in (type, id) order; nothing when we hold no data."""
        files = sorted(str(p) for p in self.partition.glob("resource_type=*/*.parquet"))
        if not files or not selection.record_ids:
            return
        after_type, after_id = selection.after or ("", "")
        params = {
            "files": files,
            "payer_id": self.payer_id,
            "record_ids": list(selection.record_ids),
            "types": list(selection.types),
            "undated": list(selection.undated_types),
            "since": selection.since,
            "after_type": after_type,
            "after_id": after_id,
        }
        with duckdb.connect() as connection:
            result = connection.execute(_SELECT, params)
            while batch := result.fetchmany(_FETCH):
                for kind, rid, sensitive, labels, text in batch:
                    yield StoredResource(kind, rid, bool(sensitive), labels, text)
