"""``p2p graph load`` of a folder that is not a complete run of one piece: one line on stderr,
exit 1, and nothing written to the graph (no run marked, no audit event)."""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from graph.store import GraphStore
from p2p.cli.main import app
from tests.integration.graph.conftest import RECORDS, RunMaker, pair

pytestmark = pytest.mark.integration


def nodes(store: GraphStore) -> int:
    """Everything but the schema record: runs, records, links, audit events."""
    query = "MATCH (n) WHERE NOT n:SchemaMigration RETURN count(n) AS n"
    return int(store.driver.execute_query(query, database_=store.database).records[0]["n"])


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda f: (f / "run.json").write_text('{"run_id": "r1", '), "run.json is not valid JSON"),
        (lambda f: (f / "run.json").write_text("{}"), "does not name a run_id and a model_version"),
        (lambda f: (f / "records.parquet").unlink(), "records.parquet is missing"),
        (lambda f: (f / "pairs.parquet").write_bytes(b"PAR1 cut short"), "pairs.parquet is not a readable Parquet"),
    ],
)
def test_a_damaged_run_folder_is_refused_and_the_graph_is_untouched(
    store: GraphStore, make_run: RunMaker, damage: object, message: str
) -> None:
    folder = make_run("r1", [pair("r1", "r2", "confirm", 14.0)])
    before = nodes(store)
    damage(folder)  # type: ignore[operator]
    result = CliRunner().invoke(app, ["graph", "load", str(folder)])
    assert result.exit_code == 1, result.output
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert message in result.stderr and "p2p match run" in result.stderr
    assert nodes(store) == before


def test_tables_of_another_run_under_a_run_json_are_refused(store: GraphStore, make_run: RunMaker) -> None:
    folder = make_run("r1", [pair("r1", "r2", "confirm", 14.0)])
    meta = json.loads((folder / "run.json").read_text())
    (folder / "run.json").write_text(json.dumps({**meta, "records": len(RECORDS), "pairs": 1}))
    pq.write_table(pa.Table.from_pylist(RECORDS[:2]), folder / "records.parquet")  # another run's records
    result = CliRunner().invoke(app, ["graph", "load", str(folder)])
    assert result.exit_code == 1
    assert f"holds 2 rows but run.json says {len(RECORDS)}: the folder mixes two runs" in result.stderr
    assert store.read("identity/run_status", {"run_id": "r1"})[0]["status"] is None
