"""The notebooks in notebooks/ run top to bottom on generated data (each in its own temp
working directory, on the venv's python3 kernel) without a cell error, so they never rot.
No Neo4j: the notebooks call the matching code only."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).parents[2] / "notebooks").glob("*.ipynb"))


def test_the_four_notebooks_are_there() -> None:
    assert [p.stem for p in NOTEBOOKS] == ["01_profile", "02_blocking_and_training", "03_evaluate", "04_publish"]


def _outputs(book: nbformat.NotebookNode) -> list[str]:
    texts = []
    for cell in book.cells:
        for output in cell.get("outputs", []):
            texts.append(output.get("text", "") + str(output.get("data", {}).get("text/plain", "")))
    return texts


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_top_to_bottom(path: Path, tmp_path: Path) -> None:
    book = nbformat.read(path, as_version=4)
    client = NotebookClient(book, timeout=240, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
    client.execute()  # raises CellExecutionError on the first failing cell
    code = [c for c in book.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code), "every code cell ran"
    assert not [o for c in code for o in c.outputs if o.output_type == "error"]
    shown = "\n".join(_outputs(book))
    assert "<chart:" in shown, "at least one chart was drawn"
    if path.stem == "04_publish":  # the new version replaced the published one
        published = [line.split()[1] for line in shown.splitlines() if line.startswith("published: ")]
        assert len(published) == 2 and published[0] != published[1]
