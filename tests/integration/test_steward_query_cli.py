"""``p2p steward query``: a saved steward query run from the command line against real Neo4j,
on the planted graph of test_steward_queries (transfers held for M-EVE, M-OLDER and M-BOB)."""

from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner

from graph.store import GraphStore
from p2p.cli.steward_query_cmd import query
from tests.integration.test_steward_queries import plant

pytestmark = pytest.mark.integration


def run(*args: str) -> tuple[int, str]:
    app = typer.Typer()
    app.command()(query)
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def rows(output: str) -> list[dict]:
    return json.loads(output[: output.rindex("]") + 1])


def test_held_transfers_prints_the_same_rows_as_the_query(store: GraphStore) -> None:
    plant(store)
    code, output = run("held_transfers", "-p", "limit=10")
    assert code == 0, output
    assert rows(output) == store.read("steward/held_transfers", {"limit": 10})
    assert {r["member_key"] for r in rows(output)} >= {"M-EVE", "M-OLDER", "M-BOB"}
    assert output.rstrip().endswith(f"{len(rows(output))} rows")


def test_text_parameters_go_in_quoted_or_bare(store: GraphStore) -> None:
    plant(store)
    _, quoted = run("why_linked", "-p", "left_record_id='R-A1'", "-p", "right_record_id='R-A2'")
    _, bare = run("why_linked.cypher", "-p", "left_record_id=R-A1", "-p", "right_record_id=R-A2")
    assert rows(quoted) == rows(bare) and rows(quoted)[0]["link_id"] is not None


def test_an_injection_string_is_a_value_not_cypher(store: GraphStore) -> None:
    plant(store)
    code, output = run("member_lineage", "-p", "member_key=x' OR 1=1 MATCH (n) DETACH DELETE n //")
    assert code == 0, output
    assert store.read("steward/held_transfers", {"limit": 10}), "the graph is untouched"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope"], "no saved steward query 'nope'; there are: disputed_links, held_transfers"),
        (["why_linked", "-p", "left_record_id=R-A1"], "why_linked takes left_record_id, right_record_id: missing"),
        (["held_transfers", "-p", "limit=5", "-p", "extra=1"], "unknown extra"),
        (["held_transfers", "-p", "limit"], "a parameter is name=value"),
        (
            ["held_transfers", "-p", "limit=ten"],
            "held_transfers: Neo4j refused the parameters: Type mismatch for"
            " parameter 'limit': expected Integer but was String",
        ),
        (["held_transfers", "-p", "limit=-1"], "held_transfers: Neo4j refused the parameters: LIMIT: Invalid input."),
        (["held_transfers", "-p", "limit=99999999999999999999"], "limit: a whole number is at most 19 digits"),
        (["held_transfers", "-p", "limit=1", "-p", "limit=2"], "limit given more than once; give each parameter once"),
    ],
)
def test_mistakes_get_a_clear_message_and_no_query(store: GraphStore, args: list[str], message: str) -> None:
    code, output = run(*args)
    assert code != 0
    assert message in " ".join(output.split())
