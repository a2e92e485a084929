"""``p2p generate``: refuses to clobber folders, replaces only its own output, never leaves a
half-written one, and reports what it made."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from p2p.cli import generate_cmd
from synthetic import GeneratorConfig, generate, pipeline

app = typer.Typer()
app.command("generate")(generate_cmd.generate)


@app.callback()
def root() -> None:
    """Test app holding the command as a sub-command, as ``p2p`` does."""


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["generate", "--members", "150", *args])
    return result.exit_code, result.output


def siblings(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.parent.iterdir() if p.name != folder.name)


def test_writes_a_population_and_prints_a_summary(tmp_path: Path) -> None:
    code, output = run("--out", str(tmp_path / "out"), "--payers", "2", "--seed", "5")
    assert code == 0, output
    assert "persons in more than one payer" in output and "switches" in output and "FHIR Patient" in output
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["parameters"]["payers"] == 2 and manifest["seed"] == 5
    assert sorted(p.name for p in (tmp_path / "out" / "payers").iterdir()) == ["payer-a.parquet", "payer-b.parquet"]
    assert siblings(tmp_path / "out") == []


def test_refuses_a_non_empty_folder_without_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    code, output = run("--out", str(out))
    assert code == 1
    assert "not empty" in output and "--overwrite" in output
    assert (out / "notes.txt").read_text() == "keep me"


def test_overwrite_replaces_an_earlier_output_but_never_an_unrelated_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("--out", str(out), "--seed", "1", "--history", "none")[0] == 0
    code, output = run("--out", str(out), "--seed", "2", "--history", "none", "--overwrite")
    assert code == 0, output
    assert json.loads((out / "manifest.json").read_text())["seed"] == 2
    assert siblings(out) == []
    other = tmp_path / "other"
    other.mkdir()
    (other / "data.csv").write_text("a,b")
    code, output = run("--out", str(other), "--overwrite")
    assert code == 1 and "not a previous output" in output
    assert (other / "data.csv").exists()


def test_an_empty_existing_folder_is_fine(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    assert run("--out", str(tmp_path / "out"), "--history", "switchers")[0] == 0
    assert (tmp_path / "out" / "manifest.json").exists()


def test_a_crash_leaves_neither_a_half_written_folder_nor_temporary_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    generate(GeneratorConfig(members=100, seed=1), out)
    before = (out / "manifest.json").read_bytes()

    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(pipeline, "build_switches", crash)
    with pytest.raises(RuntimeError):
        generate(GeneratorConfig(members=100, seed=2), out, overwrite=True)
    with pytest.raises(RuntimeError):
        generate(GeneratorConfig(members=100, seed=2), tmp_path / "fresh")
    assert (out / "manifest.json").read_bytes() == before
    assert not (tmp_path / "fresh").exists()
    assert siblings(out) == []


def test_out_of_range_options_are_refused(tmp_path: Path) -> None:
    code, output = run("--out", str(tmp_path / "out"), "--payers", "1")
    assert code == 2 and "--payers" in output
    assert not (tmp_path / "out").exists()
