"""Rows a run writes (record hashes, contributions) and the CSV files of an initial import."""

from __future__ import annotations

import datetime
import hashlib
import json
from pathlib import Path

import pyarrow as pa
import pytest

from graph.import_files import ARRAY_DELIMITER, ImportFiles, UnsupportedImport, header_type
from graph.run_rows import plan_links, record_rows

RECORDS = pa.table(
    {
        "record_id": ["a1", "b2"],
        "last_name": ['O\'Brien "Jr"', None],
        "ssn": ["123456789", "987654321"],
        "_row": [1, 2],
        "first_name_variants": [["jon", "john"], []],
        "dob": ["1980-01-02", "1990-03-04"],
    }
)


def test_a_record_hash_is_the_json_of_its_stored_values_without_ssn_or_nulls() -> None:
    rows = record_rows(RECORDS)
    expected = {"record_id": "b2", "first_name_variants": [], "dob": "1990-03-04"}
    digest = hashlib.sha256(json.dumps(expected, sort_keys=True, default=str).encode()).hexdigest()
    assert rows[1] == {
        "record_key": f"b2#{digest[:12]}",
        "record_id": "b2",
        "props": {**expected, "content_hash": digest},
    }
    assert "ssn" not in rows[0]["props"] and rows[0]["props"]["last_name"] == 'O\'Brien "Jr"'


def test_contributions_are_the_comparisons_of_the_pair_in_name_order() -> None:
    pair = {"left_record_id": "b", "right_record_id": "a", "decision": "confirm", "match_weight": 12.5,
            "match_probability": 0.99, "must_not_link": None, "mw_sex": 0.5, "gamma_dob": 3, "mw_dob": 9.25,
            "gamma_sex": None}  # fmt: skip
    link = plan_links("run", "v1", [pair], []).creates[0]
    assert (link["left"], link["right"], link["state"]) == ("a", "b", "confirmed")
    assert link["contributions"] == '{"gamma_dob": 3, "mw_dob": 9.25, "mw_sex": 0.5}'


def test_column_types_map_to_import_header_types_or_are_refused() -> None:
    assert [header_type(RECORDS.column(n)) for n in ("record_id", "_row")] == ["", ":long"]
    assert header_type(pa.chunked_array([[["jon", "john"]]])) == ":string[]"
    assert header_type(pa.chunked_array([[1.5]])) == ":double"
    with pytest.raises(UnsupportedImport):
        header_type(pa.chunked_array([[datetime.date(2020, 1, 1)]]))
    with pytest.raises(UnsupportedImport, match="empty list"):
        header_type(RECORDS.column("first_name_variants"))
    with pytest.raises(UnsupportedImport, match="separator"):
        header_type(pa.chunked_array([[["a" + ARRAY_DELIMITER + "b"]]]))


def test_import_files_quote_strings_leave_nulls_empty_and_join_lists(tmp_path: Path) -> None:
    files = ImportFiles(tmp_path)
    table = RECORDS.select(["record_id", "last_name", "first_name_variants"])
    files.add(
        "nodes", "SourceRecord", table, ["record_id:ID(SourceRecord)", "last_name", "first_name_variants:string[]"]
    )
    source = files.nodes[0]
    assert source.header.read_text() == "record_id:ID(SourceRecord),last_name,first_name_variants:string[]\n"
    assert source.data.read_text().splitlines() == [
        f'"a1","O\'Brien ""Jr""","jon{ARRAY_DELIMITER}john"',
        '"b2",,""',
    ]
    assert files.arguments() == [f"--nodes=SourceRecord={source.header},{source.data}"]
