"""Loading and validating extracts: nothing is dropped silently."""

import csv
import json
from datetime import date, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from matching.canonical.errors import CanonicalDataError
from matching.canonical.loader import load_extract, read_mapping
from matching.canonical.pipeline import prepare
from matching.canonical.report import write_report

TODAY = date(2026, 11, 28)

PLANTED = """record_id,first_name,last_name,dob,zip,phone,email,coverage_start,coverage_end
A1,Bob,Smith,1980-01-02,02134,617-253-1000,BOB@EXAMPLE.COM,2024-01-01,
,Ann,Lee,1990-01-01,,,,,
A2,Ann,Lee,2090-01-01,1234567,555,bad@,,
A2,Dup,Dup,,,,,,
A3,Jo,Ng,1975-13-40,02134,(617) 253 1000,jo@ng.org,2025-01-01,2024-01-01
A4,Kim,Park,1971-07-07,,,,,
"""


def write(tmp_path: Path, text: str, name: str = "extract.csv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_planted_bad_rows_are_reported_by_row_and_reason_and_counts_add_up(tmp_path: Path) -> None:
    prepared = prepare(write(tmp_path, PLANTED), today=TODAY)
    result = prepared.validation
    rejected = {(r.row, r.reason) for r in result.rejected}
    # rows are CSV line numbers: the header is line 1
    assert rejected == {(3, "missing_record_id"), (4, "duplicate_record_id"), (5, "duplicate_record_id")}
    issues = {(i.row, i.column, i.reason) for i in result.issues}
    assert issues == {(6, "dob", "dob_unparsable"), (6, "coverage_end", "coverage_end_before_start")}
    summary = result.summary()
    assert summary["rows_in"] == 6 == summary["accepted"] + summary["rejected"]
    assert summary["rejected_by_reason"] == {"duplicate_record_id": 2, "missing_record_id": 1}
    accepted = {r["record_id"]: r for r in prepared.records.to_pylist()}
    assert set(accepted) == {"A1", "A3", "A4"}
    assert accepted["A1"]["phone"] == "+16172531000" and accepted["A1"]["email"] == "bob@example.com"
    assert accepted["A3"]["dob"] is None and accepted["A3"]["coverage_end"] is None
    assert accepted["A3"]["zip5"] == "02134"


def test_report_files_hold_every_rejected_row_and_nulled_value(tmp_path: Path) -> None:
    source = write(tmp_path, PLANTED)
    prepared = prepare(source, today=TODAY)
    files = write_report(prepared.validation, prepared.records, tmp_path / "out", source)
    with files["rejects.csv"].open() as handle:
        rejects = list(csv.DictReader(handle))
    assert [(r["row"], r["reason"], r["first_name"]) for r in rejects] == [
        ("3", "missing_record_id", "Ann"),
        ("4", "duplicate_record_id", "Ann"),
        ("5", "duplicate_record_id", "Dup"),
    ]
    with files["issues.csv"].open() as handle:
        assert {r["reason"] for r in csv.DictReader(handle)} == {"dob_unparsable", "coverage_end_before_start"}
    summary = json.loads(files["summary.json"].read_text())
    assert summary["accepted"] == 3 and summary["rejected"] == 3
    assert pq.read_table(files["accepted.parquet"]).num_rows == 3
    assert not list((tmp_path / "out").glob(".validate-*"))


def test_a_mapping_file_renames_extract_columns(tmp_path: Path) -> None:
    source = write(tmp_path, "MBR_ID,FIRST_NM,LAST_NM,NOTES\n1,Ann,Lee,x\n")
    mapping = write(tmp_path, '"MBR_ID" = "record_id"\n"FIRST_NM" = "first_name"\n"LAST_NM" = "last_name"\n', "m.toml")
    extract = load_extract(source, read_mapping(mapping))
    assert extract.columns == ["record_id", "first_name", "last_name"]
    assert extract.ignored_columns == ["NOTES"]


def test_a_mapping_to_an_unknown_column_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CanonicalDataError, match="unknown canonical columns: given_name"):
        read_mapping(write(tmp_path, '{"FN": "given_name"}', "m.json"))


def test_only_record_id_is_required(tmp_path: Path) -> None:
    prepared = prepare(write(tmp_path, "record_id\n1\n2\n"), today=TODAY)
    assert prepared.records.num_rows == 2


def test_parquet_extracts_with_typed_columns_are_read_as_text(tmp_path: Path) -> None:
    path = tmp_path / "x.parquet"
    pq.write_table(pa.table({"record_id": [1, 2], "dob": [date(1980, 1, 2), None]}), path)
    prepared = prepare(path, today=TODAY)
    assert prepared.records.column("record_id").to_pylist() == ["1", "2"]
    assert prepared.records.column("dob").to_pylist() == ["1980-01-02", None]


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        ("first_name,last_name\nAnn,Lee\n", "x.csv", "no record_id column"),
        ("record_id,first_name\n", "x.csv", "no rows"),
        ("", "x.csv", "empty"),
        ("record_id\n1\n", "x.xlsx", "expected a .csv or .parquet"),
        ("not parquet at all", "x.parquet", "cannot be read as PARQUET"),
        ('record_id,first_name\n1,"unterminated\n', "x.csv", "cannot be read as CSV"),
    ],
)
def test_unusable_files_give_a_clear_error(tmp_path: Path, content: str, name: str, message: str) -> None:
    with pytest.raises(CanonicalDataError, match=message):
        prepare(write(tmp_path, content, name), today=TODAY)


def test_rows_with_the_wrong_number_of_fields_are_rejected_with_their_line(tmp_path: Path) -> None:
    source = write(tmp_path, 'record_id,first_name\n1,Ann\n2,Bob,extra\n"3","Multi\nline"\n4,Kim\n')
    result = prepare(source, today=TODAY).validation
    assert [(r.row, r.record_id, r.reason) for r in result.rejected] == [(3, "2", "malformed_row")]
    assert result.accepted.column("_row").to_pylist() == [2, 4, 6]
    assert result.summary()["rows_in"] == 4


def test_a_file_that_is_not_utf8_gives_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes(b"record_id,last_name\n1,Mu\xf1oz\n")
    with pytest.raises(CanonicalDataError, match="cannot be read as CSV"):
        prepare(path, today=TODAY)


def test_a_missing_file_gives_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CanonicalDataError, match="no such file"):
        load_extract(tmp_path / "absent.csv")


def test_parquet_dates_and_date_times_become_dates_and_numbers_keep_their_digits(tmp_path: Path) -> None:
    path = tmp_path / "typed.parquet"
    stamps = pa.array([datetime(1980, 1, 2), datetime(1975, 6, 7, 13, 5), None])
    pq.write_table(pa.table({"record_id": [1, 2, 3], "dob": stamps, "zip": [2134.0, 12345.0, None]}), path)
    prepared = prepare(path, today=TODAY)
    assert prepared.validation.issues == []
    assert prepared.records.column("dob").to_pylist() == ["1980-01-02", "1975-06-07", None]
    assert prepared.records.column("zip5").to_pylist() == ["02134", "12345", None]


@pytest.mark.parametrize(
    ("column", "values", "kind"),
    [
        ("first_name", [["Ann"], ["Bob"]], "list<element: string>"),
        ("last_name", [b"Lee", b"Mu\xf1oz"], "binary"),
    ],
)
def test_a_parquet_column_without_a_text_form_is_refused_by_name(
    tmp_path: Path, column: str, values: list[object], kind: str
) -> None:
    path = tmp_path / "typed.parquet"
    pq.write_table(pa.table({"record_id": ["1", "2"], column: values}), path)
    with pytest.raises(CanonicalDataError, match=f"column {column} is of type {kind}.*export it as text") as raised:
        prepare(path, today=TODAY)
    assert "Mu" not in str(raised.value)  # no value is quoted


def test_a_folder_is_named_as_a_folder(tmp_path: Path) -> None:
    with pytest.raises(CanonicalDataError, match="is a folder; give a CSV or Parquet file"):
        load_extract(tmp_path)


def test_a_latin1_extract_is_named_with_the_line_and_the_fix(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes(b"record_id,last_name\n1,Lee\n2,Mu\xf1oz\n")
    with pytest.raises(CanonicalDataError, match="line 3 is not UTF-8 text; save the extract as UTF-8"):
        prepare(path, today=TODAY)


@pytest.mark.parametrize(("separator", "name"), [(";", "semicolons"), ("\t", "tabs"), ("|", "vertical bars")])
def test_an_extract_separated_by_something_else_than_commas_is_named(tmp_path: Path, separator: str, name: str) -> None:
    path = write(tmp_path, separator.join(["MBR_ID", "first_name"]) + "\n" + separator.join(["1", "Ann"]) + "\n")
    with pytest.raises(CanonicalDataError, match=f"separated by {name}, not commas: save it as comma-separated CSV"):
        prepare(path, mapping_file=write(tmp_path, '{"MBR_ID": "record_id"}', "map.json"), today=TODAY)
