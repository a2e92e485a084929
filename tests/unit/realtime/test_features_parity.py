"""The real-time feature builder must produce exactly what the DuckDB normalisation does:
a request is compared with graph records on the features batch matching computed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from matching.canonical.normalise import normalise
from matching.canonical.validation import CanonicalRecord
from matching.realtime.features import features
from synthetic import GeneratorConfig, HistoryScope, generate

TRICKY = [
    {"first_name": "José-María", "last_name": "Muñoz Jr.", "address_line1": "12 N Main Street Apt #4B"},
    {"first_name": "O'Neil", "last_name": "de la Cruz III", "suffix": "junior", "address_line1": "# 5"},
    {"first_name": "  ", "last_name": "Smith-Jones", "address_line1": "PO Box 12", "address_line2": "Suite 300"},
    {"first_name": "Zoë", "last_name": "Ng", "city": "Saint-Léonard", "zip": "02134-1234", "ssn": "123-45-6789"},
    {"first_name": "ann marie", "last_name": "sr", "address_line1": "1600 Pennsylvania Avenue NW Unit 7"},
    {"member_id": "ab-12 3*01", "subscriber_id": "--", "email": "Jane.Doe+x@Example.COM", "suffix": "2nd"},
    {"address_line1": "APT 5", "address_line2": "Apartment 9-C", "city": "###"},
]


def _validated(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for number, row in enumerate(rows):
        record = CanonicalRecord.model_validate({"record_id": f"r{number}", **row}, context={"issues": []})
        out.append(record.model_dump(include={"record_id", *row}))
    return out


def _assert_same(rows: list[dict[str, Any]]) -> None:
    import pyarrow as pa

    columns = sorted({k for r in rows for k in r})
    table = pa.table({c: pa.array([r.get(c) for r in rows], pa.string()) for c in columns})
    expected = normalise(table).to_pylist()
    for want in expected:
        got = features({c: want[c] for c in columns})
        differing = {k: (v, got.get(k)) for k, v in want.items() if got.get(k) != v}
        assert not differing, f"record {want['record_id']}: (duckdb, python) differ: {differing}"


def test_tricky_names_addresses_and_ids_match_duckdb() -> None:
    _assert_same(_validated(TRICKY))


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("features") / "pop"
    generate(GeneratorConfig(members=600, seed=5, history=HistoryScope.NONE), out)
    return out


def test_a_generated_population_matches_duckdb_record_for_record(generated: Path) -> None:
    rows = []
    for path in sorted((generated / "payers").glob("*.parquet")):
        rows += [{k: v for k, v in r.items() if v not in (None, "")} for r in pq.read_table(path).to_pylist()]
    validated = _validated(rows)
    # every column present in at least one row, absent values as None
    columns = sorted({k for r in validated for k in r})
    _assert_same([{c: r.get(c) for c in columns} for r in validated])
