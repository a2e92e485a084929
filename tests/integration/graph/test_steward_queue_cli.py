"""`p2p steward queue` as a steward uses it: every link id whole on a narrow terminal (they are
copied into confirm and retire), and the same rows as JSON for scripts."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from graph.loading import load_run
from graph.store import GraphStore
from p2p.cli.main import app
from tests.integration.graph.conftest import RunMaker, pair

pytestmark = pytest.mark.integration


def test_link_ids_stay_whole_on_a_narrow_terminal_and_json_gives_the_rows(
    store: GraphStore, make_run: RunMaker
) -> None:
    load_run(store, make_run("queue-1", [pair("r1", "r2", "review", 8.0), pair("r4", "r5", "review", 9.0)]))
    expected = store.read("steward/review_queue", {"limit": 25})
    shown = CliRunner().invoke(app, ["steward", "queue"], env={"COLUMNS": "60"})
    assert shown.exit_code == 0, shown.output
    assert all(row["link_id"] in shown.stdout for row in expected) and len(expected) == 2
    as_json = CliRunner().invoke(app, ["steward", "queue", "--json"], env={"COLUMNS": "60"})
    assert as_json.exit_code == 0 and json.loads(as_json.stdout) == json.loads(json.dumps(expected, default=str))
