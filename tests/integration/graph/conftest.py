"""Matching runs written by hand (records, decided pairs), so graph tests control every decision."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

RunMaker = Callable[..., Path]


def record(record_id: str, first: str, last: str, dob: str, payer: str = "payer-a") -> dict[str, object]:
    return {
        "record_id": record_id, "payer_id": payer, "member_id": f"M{record_id}", "first_name": first,
        "last_name": last, "dob": dob, "first_name_norm": first.lower(), "last_name_norm": last.lower(),
        "ssn": "123456789",
    }  # fmt: skip


RECORDS = [
    record("r1", "Ann", "Lee", "1980-01-02"),
    record("r2", "Ann", "Lee", "1980-01-02", "payer-b"),
    record("r3", "Anne", "Lee", "1980-01-02", "payer-c"),
    record("r4", "Bob", "Ng", "1975-05-05"),
    record("r5", "Robert", "Ng", "1975-05-05", "payer-b"),
    record("r6", "Cy", "Ho", "1990-09-09"),
]


def pair(left: str, right: str, decision: str, weight: float, rule: str | None = None) -> dict[str, object]:
    return {
        "left_record_id": left, "right_record_id": right, "match_weight": weight,
        "match_probability": 2**weight / (1 + 2**weight), "blocking_rule": "SAME_DOB_SAME_ZIP",
        "must_not_link": rule, "decision": decision, "mw_dob": 12.0, "gamma_dob": 5,
    }  # fmt: skip


@pytest.fixture
def make_run(tmp_path: Path) -> RunMaker:
    def make(run_id: str, pairs: list[dict[str, object]], records: list[dict[str, object]] | None = None) -> Path:
        folder = tmp_path / run_id
        folder.mkdir()
        pq.write_table(pa.Table.from_pylist(records or RECORDS), folder / "records.parquet")
        schema = pa.schema([
            ("left_record_id", pa.string()), ("right_record_id", pa.string()), ("match_weight", pa.float64()),
            ("match_probability", pa.float64()), ("blocking_rule", pa.string()), ("must_not_link", pa.string()),
            ("decision", pa.string()), ("mw_dob", pa.float64()), ("gamma_dob", pa.int64()),
        ])  # fmt: skip
        pq.write_table(pa.Table.from_pylist(pairs, schema=schema), folder / "pairs.parquet")
        (folder / "run.json").write_text(json.dumps({"run_id": run_id, "model_version": f"model-{run_id}"}))
        return folder

    return make
