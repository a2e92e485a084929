"""`p2p match link` / `dedupe` through the CLI on files with planted pairs."""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from p2p.cli.main import app

runner = CliRunner()


def read_pairs(path: Path) -> set[tuple[str, str]]:
    with path.open() as handle:
        return {(row["left_record_id"], row["right_record_id"]) for row in csv.DictReader(handle)}


def test_link_finds_the_planted_pairs_and_only_them(
    planted: tuple[Path, Path, Path, set[tuple[str, str]]], tmp_path: Path
) -> None:
    left, right, _, truth = planted
    out = tmp_path / "pairs.csv"
    result = runner.invoke(app, ["match", "link", str(left), str(right), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert read_pairs(out) == truth
    with out.open() as handle:
        assert next(csv.reader(handle)) == ["left_record_id", "right_record_id", "match_probability", "match_weight"]
    detail = pq.read_schema(tmp_path / "pairs.contributions.parquet").names
    assert {"must_not_link", "auto_confirm_blockers", "gamma_first_name", "mw_first_name"} <= set(detail)


def test_link_still_runs_when_optional_columns_are_missing(
    planted: tuple[Path, Path, Path, set[tuple[str, str]]], tmp_path: Path
) -> None:
    left, _, right_min, truth = planted
    out = tmp_path / "pairs.csv"
    result = runner.invoke(app, ["match", "link", str(left), str(right_min), "--out", str(out)])
    assert result.exit_code == 0, result.output
    found = read_pairs(out)
    assert len(found & truth) >= 12  # names and DOB alone, with nicknames in a third of them
    assert len(found - truth) <= 1


def test_dedupe_finds_duplicates_within_one_file(
    planted: tuple[Path, Path, Path, set[tuple[str, str]]], tmp_path: Path
) -> None:
    left, right, _, truth = planted
    both = tmp_path / "both.csv"
    rows = [*csv.DictReader(left.open()), *csv.DictReader(right.open())]
    with both.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    out = tmp_path / "dupes.csv"
    result = runner.invoke(app, ["match", "dedupe", str(both), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert {tuple(sorted(p)) for p in read_pairs(out)} == {tuple(sorted(p)) for p in truth}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("first_name,last_name\nAnn,Lee\n", "no record_id column"),
        ("DUPLICATE", None),  # the right file with one id repeated: both rows rejected, the rest links
        ("record_id,first_name,last_name,dob\n1,Ann,Lee,1980-01-01\n2,Cy,Ho,1982-03-03\n", "too few records"),
        ("record_id,middle_name\n" + "".join(f"{i},Ann\n" for i in range(100)), "no blocking rule can be used"),
        ("", "empty"),
    ],
)
def test_bad_input_gives_a_clear_error_and_no_partial_output(
    planted: tuple[Path, Path, Path, set[tuple[str, str]]], tmp_path: Path, content: str, message: str | None
) -> None:
    left, right = planted[0], planted[1]
    bad = tmp_path / "bad.csv"
    bad.write_text(right.read_text() + "R0,Dup,Licate,1990-01-01,,,\n" if content == "DUPLICATE" else content)
    out = tmp_path / "pairs.csv"
    result = runner.invoke(app, ["match", "link", str(left), str(bad), "--out", str(out)])
    if message is None:
        assert result.exit_code == 0, result.output
        assert "2 rows rejected" in result.output
        return
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert not out.exists() and not list(tmp_path.glob("*.parquet"))


def test_an_unreadable_file_is_a_clear_error(
    planted: tuple[Path, Path, Path, set[tuple[str, str]]], tmp_path: Path
) -> None:
    result = runner.invoke(app, ["match", "dedupe", str(tmp_path / "absent.csv"), "--out", str(tmp_path / "o.csv")])
    assert result.exit_code == 1 and "no such file" in result.output
