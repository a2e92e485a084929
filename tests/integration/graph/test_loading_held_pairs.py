"""A pair the auto-confirm guard held loads as a candidate link that keeps the reason in its
provenance (real Neo4j)."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from graph.loading import load_run
from graph.stewardship import link_history
from graph.store import GraphStore
from p2p.cli.main import app
from tests.integration.graph.conftest import RECORDS, pair

pytestmark = pytest.mark.integration


def write_run(folder: Path, pairs: list[dict[str, object]]) -> Path:
    """A run folder as ``p2p match run`` writes it, with the guard's column."""
    folder.mkdir()
    pq.write_table(pa.Table.from_pylist(RECORDS), folder / "records.parquet")
    pq.write_table(pa.Table.from_pylist(pairs), folder / "pairs.parquet")
    (folder / "run.json").write_text(json.dumps({"run_id": "held", "model_version": "model-held-1"}))
    return folder


def test_a_held_pair_is_a_candidate_whose_first_event_names_the_guards_reason(
    store: GraphStore, tmp_path: Path
) -> None:
    pairs = [
        {**pair("r1", "r2", "confirm", 20.0), "auto_confirm_blockers": None},
        {**pair("r4", "r5", "review", 25.0), "auto_confirm_blockers": "POSSIBLE_TWIN"},
    ]
    load_run(store, write_run(tmp_path / "run", pairs))
    rows = store.driver.execute_query(
        "MATCH (l:Link) RETURN l.pair_key AS pair, l.link_id AS id, l.state AS state", database_=store.database
    ).records
    links = {r["pair"]: (r["id"], r["state"]) for r in rows}
    assert links["r4|r5"][1] == "candidate" and links["r1|r2"][1] == "confirmed"
    held = json.loads(link_history(store, links["r4|r5"][0])["events"][0]["evidence"])
    assert held["auto_confirm_blockers"] == "POSSIBLE_TWIN"
    confirmed = json.loads(link_history(store, links["r1|r2"][0])["events"][0]["evidence"])
    assert confirmed["auto_confirm_blockers"] is None

    shown = CliRunner().invoke(app, ["steward", "history", links["r4|r5"][0]])
    assert shown.exit_code == 0, shown.output
    assert "held for review by the auto-confirm guard: POSSIBLE_TWIN" in shown.output
    assert "auto-confirm guard" not in CliRunner().invoke(app, ["steward", "history", links["r1|r2"][0]]).output
