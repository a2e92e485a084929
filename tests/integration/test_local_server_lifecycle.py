"""A second, throw-away local Neo4j on other ports: start twice gives one server, stop frees the port,
and the CLI reports bad settings and bad credentials in one line without a traceback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph import server
from graph.driver import server_version
from p2p.bootstrap import ensure_neo4j, graph_store
from p2p.ports import free_port
from p2p.settings import Settings, load_settings

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def spare(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    home = tmp_path_factory.mktemp("neo4j-spare")
    settings = load_settings(
        neo4j_home=home,
        neo4j_bolt_port=free_port(),
        neo4j_http_port=free_port(),
        neo4j_heap="512m",
        neo4j_pagecache="64m",
        neo4j_password="spare-test-password",
    )
    yield settings
    server.stop(settings)


def run_cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "P2P_NEO4J_URI"))}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "-m", "p2p", *args], capture_output=True, text=True, env=full_env, timeout=180, check=False
    )


def test_start_twice_gives_one_server_and_stop_frees_the_port(spare: Settings) -> None:
    first = ensure_neo4j(spare)
    assert first is not None and first.started_now and first.fresh_home
    with graph_store(spare) as store:
        assert "5.26" in server_version(store)
    second = ensure_neo4j(spare)
    assert second is not None and second.pid == first.pid and not second.started_now

    assert server.stop(spare) == first.pid
    assert not server.port_in_use(spare.neo4j_bolt_port)
    assert server.running_pid(server.ServerPaths(spare.neo4j_home)) is None

    again = ensure_neo4j(spare)  # restart keeps the data and the password set on first start
    assert again is not None and again.started_now and not again.fresh_home
    with graph_store(spare) as store:
        assert store.read("admin/applied_migrations") == []
    server.stop(spare)


def test_cli_start_on_a_taken_port_names_the_port_and_the_setting(tmp_path: Path) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        result = run_cli("neo4j", "start", P2P_NEO4J_HOME=str(tmp_path), P2P_NEO4J_BOLT_PORT=str(port))
    assert result.returncode != 0
    assert f"port {port}" in result.stderr and "P2P_NEO4J_BOLT_PORT" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_cli_bad_setting_is_one_clear_line(tmp_path: Path) -> None:
    result = run_cli("neo4j", "status", P2P_NEO4J_BOLT_PORT="seven")
    assert result.returncode == 2
    assert "P2P_NEO4J_BOLT_PORT" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_cli_wrong_password_for_an_external_server_is_one_clear_line(settings: Settings) -> None:
    result = run_cli(
        "graph", "schema", NEO4J_URI=settings.bolt_uri, NEO4J_USER="intruder", NEO4J_PASSWORD="not-the-password"
    )
    assert result.returncode == 1
    assert "refused the credentials" in result.stderr
    assert "not-the-password" not in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
