"""FHIR histories written as hive-partitioned Parquet
(``fhir/payer_id=<payer>/resource_type=<type>/part-NNNN.parquet``), rows sorted by member id
then service date. Members are cut into fixed-size parts (by member id) that worker
processes write independently; the part layout never depends on the number of workers."""

from __future__ import annotations

import multiprocessing
import random
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from synthetic.fhir_history import RESOURCE_TYPES, HistorySettings, member_history
from synthetic.fhir_member import MemberView
from synthetic.fhir_resources import LABELS
from synthetic.writer import ROW_GROUP, dates, digest, parquet_writer, strings

_BATCH = 10_000  # members per row group
_DICTIONARY = ("payer_id", "resource_type", "security_labels")
_NO_STATS = ("resource_json",)
_Columns = tuple[list[str], list[str], list[str], list[str], list[int], list[str], list[str]]
FHIR_COLUMNS = ("resource_id", "payer_id", "member_id", "record_id", "person_id", "resource_type", "service_date",
                "sensitive", "security_labels", "resource_json")  # fmt: skip


FHIR_SCHEMA = pa.schema(
    [(name, pa.string()) for name in FHIR_COLUMNS[:6]]
    + [("service_date", pa.date32()), ("sensitive", pa.bool_()), ("security_labels", pa.string())]
    + [("resource_json", pa.string())]
)


@dataclass(frozen=True)
class PartTask:
    root: str
    payer_id: str
    part: int
    members: Sequence[MemberView]
    settings: HistorySettings


@dataclass(frozen=True)
class PartResult:
    members: int
    counts: dict[str, int]
    files: dict[str, dict[str, Any]]


def write_part(task: PartTask) -> PartResult:
    """Generate and write the histories of one part's members (runs in a worker process).
    Members are taken in batches, each batch a row group, so memory stays bounded."""
    rng = random.Random()
    root = Path(task.root)
    writers: dict[str, pq.ParquetWriter] = {}
    counts: dict[str, int] = {}
    for first in range(0, len(task.members), _BATCH):
        columns: list[_Columns] = [([], [], [], [], [], [], []) for _ in RESOURCE_TYPES]
        for v in task.members[first : first + _BATCH]:
            for type_index, day, rid, sens, text in member_history(v, task.settings, rng):
                ids, members, records, persons, days, labels, texts = columns[type_index]
                ids.append(rid)
                members.append(v.member_id)
                records.append(v.record_id)
                persons.append(v.person_id)
                days.append(day)
                labels.append(sens)
                texts.append(text)
        for kind, batch in zip(RESOURCE_TYPES, columns, strict=True):
            if not batch[0]:
                continue
            if kind not in writers:
                path = root / _relative(task, kind)
                writers[kind] = parquet_writer(path, FHIR_SCHEMA, dictionary=_DICTIONARY, no_statistics=_NO_STATS)
            writers[kind].write_table(_table(task.payer_id, kind, batch), row_group_size=ROW_GROUP)
            counts[kind] = counts.get(kind, 0) + len(batch[0])
    files: dict[str, dict[str, Any]] = {}
    for kind, writer in writers.items():
        writer.close()
        files[_relative(task, kind)] = digest(root / _relative(task, kind))
    return PartResult(len(task.members), counts, files)


def _relative(task: PartTask, kind: str) -> str:
    return f"fhir/payer_id={task.payer_id}/resource_type={kind}/part-{task.part:04d}.parquet"


def _table(payer: str, kind: str, batch: _Columns) -> pa.Table:
    ids, members, records, persons, days, labels, texts = batch
    n = len(ids)
    columns = [
        strings(ids),
        pa.array([payer] * n, pa.string()),
        strings(members),
        strings(records),
        strings(persons),
        pa.array([kind] * n, pa.string()),
        dates(days),
        pa.array([bool(s) for s in labels], pa.bool_()),
        strings([LABELS[s] for s in labels]),
        strings(texts),
    ]
    return pa.Table.from_arrays(columns, schema=FHIR_SCHEMA)


def write_histories(
    root: Path,
    views: dict[str, list[MemberView]],
    settings: HistorySettings,
    part_size: int,
    workers: int,
    advance: Callable[[int], None],
) -> tuple[dict[str, int], dict[str, dict[str, Any]]]:
    """Write every part, in parallel when it pays; return resource counts and file digests."""
    tasks = [
        PartTask(str(root), payer, part, members[start : start + part_size], settings)
        for payer, members in views.items()
        for part, start in enumerate(range(0, len(members), part_size))
    ]
    counts = dict.fromkeys(RESOURCE_TYPES, 0)
    files: dict[str, dict[str, Any]] = {}

    def collect(result: PartResult) -> None:
        for kind, n in result.counts.items():
            counts[kind] += n
        files.update(result.files)
        advance(result.members)

    if workers <= 1 or len(tasks) <= 1:
        for task in tasks:
            collect(write_part(task))
    else:
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=min(workers, len(tasks)), mp_context=context) as pool:
            for future in as_completed([pool.submit(write_part, task) for task in tasks]):
                collect(future.result())
    return counts, files
