"""Failures every command shares: a folder that cannot be written is one line on stderr naming
the path and what to change (exit 1), never a traceback, and nothing is left half-written."""

from __future__ import annotations

import errno
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from p2p.cli import data_cmd
from p2p.cli.main import app

EXTRACT = "record_id,first_name,last_name,dob\nr1,Ann,Lee,1980-01-02\nr2,Bob,Ray,1979-03-04\n"


def validate(extract: Path, out: Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["data", "validate", str(extract), "--out", str(out)])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def extract(tmp_path: Path) -> Path:
    path = tmp_path / "extract.csv"
    path.write_text(EXTRACT)
    return path


def test_a_file_where_the_output_folder_should_be_is_named(extract: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "out"
    blocker.write_text("not a folder")
    for out in (blocker, blocker / "below"):
        code, _, err = validate(extract, out)
        assert code == 1
        assert err.count("\n") == 1 and "Traceback" not in err
        assert f"Error: {out}: a file is in the way where a folder is needed" in err
    assert blocker.read_text() == "not a folder"


def test_a_full_disk_is_reported_without_a_traceback_and_leaves_no_files(
    extract: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(*_args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(data_cmd, "write_report", full)
    code, _, err = validate(extract, tmp_path / "out")
    assert code == 1
    assert err.strip() == "Error: the disk is full; free some space and run the command again"
    assert not (tmp_path / "out").exists()


def test_match_models_lists_a_damaged_model_file_instead_of_failing(tmp_path: Path) -> None:
    from tests.unit.test_registry import model

    good = model()
    (tmp_path / f"model-{good.version}.json").write_text(json.dumps(good.to_json()))
    (tmp_path / "model-broken.json").write_text("{}")
    (tmp_path / "published.json").write_text("garbage")
    result = CliRunner().invoke(app, ["match", "models", "--registry", str(tmp_path)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert good.version in result.stdout and "broken" in result.stdout and "cannot be used" in result.stdout
    assert "published.json is damaged" in result.stdout


def test_a_signing_key_that_is_not_a_key_is_a_configuration_error() -> None:
    env = {"P2P_AUTH_SIGNING_KEY": "not a key"}
    result = CliRunner().invoke(app, ["token", "issue", "--role", "steward", "--name", "ana"], env=env)
    assert result.exit_code == 2
    assert result.stderr == "Configuration error: P2P_AUTH_SIGNING_KEY is not an unencrypted PEM private key\n"
    assert result.stdout == ""
    served = CliRunner().invoke(app, ["serve", "--workers", "2"], env=env)  # refused before any process starts
    assert served.exit_code == 2 and "P2P_AUTH_SIGNING_KEY is not an unencrypted PEM private key" in served.stderr


@pytest.mark.parametrize("command", [["worker"], ["serve"], ["bulk", "pull", "payer-a", "requests.jsonl"]])
def test_an_unknown_log_level_is_refused_before_anything_starts(command: list[str]) -> None:
    result = CliRunner().invoke(app, [*command, "--log-level", "LOUD"])
    assert result.exit_code == 1
    assert result.stderr == "Error: --log-level must be DEBUG, INFO, WARNING or ERROR, not 'LOUD'\n"
    assert result.stdout == ""


def test_bulk_pull_names_the_line_and_field_of_a_bad_request_without_its_values(tmp_path: Path) -> None:
    requests = tmp_path / "requests.jsonl"
    good = '{"member_key": "M-0123456789abcdef", "previous_payer": "payer-a"}'
    cases = [
        (b'{"member_key": "M-1", "previous_payer": "Mu\xf1oz"}\n', "requests.jsonl:1: not a JSON object in UTF-8"),
        (b"\n" + good.replace("M-0123456789abcdef", "M-1 Lee").encode(), "requests.jsonl:2: member_key: String"),
    ]
    for content, message in cases:
        requests.write_bytes(content)
        result = CliRunner().invoke(app, ["bulk", "pull", "payer-a", str(requests)])
        assert result.exit_code == 1 and result.stderr.count("\n") == 1, result.output
        assert message in result.stderr and "Lee" not in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["match", "predict", "x.csv", "--out", "p.csv", "--threshold", "nan"],
        ["match", "dedupe", "x.csv", "--out", "p.csv", "--threshold", "inf"],
        ["match", "link", "x.csv", "y.csv", "--out", "p.csv", "--threshold", "-inf"],
        ["graph", "quality", "--dry-run", "--weak-weight", "nan"],
    ],
)
def test_a_threshold_that_is_not_a_finite_number_is_a_usage_error(args: list[str]) -> None:
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert "is not a finite number" in result.stderr and "Traceback" not in result.output


def test_text_from_files_is_printed_as_it_is_never_as_rich_markup(tmp_path: Path) -> None:
    extract = tmp_path / "[bold]extract.csv"
    extract.write_text("record_id,[/],[red]MBR\nr1,a,b\n")
    code, out, err = validate(extract, tmp_path / "out")
    assert code == 0, err
    assert "[bold]extract.csv" in out and "Ignored columns (not canonical, not mapped): [/], [red]MBR" in out
