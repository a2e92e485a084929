"""What stewards and source files put into the graph is printed as written: a reason or a
record id holding '[/]' or '[red]' neither breaks a command nor restyles its output."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from graph.domain.links import LinkState
from graph.loading import load_run
from graph.stewardship import decide_link
from graph.store import GraphStore
from p2p.cli.main import app
from tests.integration.graph.conftest import RunMaker, pair

pytestmark = pytest.mark.integration


def test_a_reason_with_markup_is_shown_as_written_in_history_and_queue(store: GraphStore, make_run: RunMaker) -> None:
    load_run(store, make_run("markup-1", [pair("r1", "r2", "review", 8.0), pair("r4", "r5", "review", 9.0)]))
    link_id = store.read("steward/review_queue", {"limit": 10})[0]["link_id"]
    decide_link(store, link_id, LinkState.CONFIRMED, "ana[/]", "checked [/] the [red]card[/red]")
    history = CliRunner().invoke(app, ["steward", "history", link_id], env={"COLUMNS": "250"})
    assert history.exit_code == 0, history.output
    assert "steward:ana[/]" in history.stdout and "checked [/] the [red]card[/red]" in history.stdout
    queue = CliRunner().invoke(app, ["steward", "queue"], env={"COLUMNS": "250"})
    assert queue.exit_code == 0, queue.output
