"""Database failures in a command: one line on stderr saying what to change, exit 2 for a
setting that names nothing on the server, 1 otherwise, and never a traceback."""

from __future__ import annotations

import socket

import pytest
from typer.testing import CliRunner

from graph.store import GraphStore
from p2p.cli.main import app

pytestmark = pytest.mark.integration


def queue(env: dict[str, str]) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["steward", "queue", "--limit", "1"], env=env)
    return result.exit_code, result.stderr


def test_a_database_the_server_does_not_have_is_a_configuration_error(store: GraphStore) -> None:
    code, err = queue({"P2P_NEO4J_DATABASE": "nosuchdb"})
    assert code == 2, err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("Configuration error:") and "check P2P_NEO4J_DATABASE" in err


def test_an_unreachable_server_is_named_on_one_line() -> None:
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    code, err = queue({"P2P_NEO4J_URI": f"bolt://127.0.0.1:{port}"})
    assert code == 1
    assert err.count("\n") == 1 and f"cannot reach Neo4j at bolt://127.0.0.1:{port}" in err
