"""The local server's command line and its refusal to start on a taken port (no Java needed)."""

import socket
from pathlib import Path

import pytest

from graph import server
from graph.errors import Neo4jServerError
from p2p.ports import free_port
from p2p.settings import load_settings


def test_server_binds_only_loopback_and_uses_the_configured_memory(tmp_path: Path) -> None:
    settings = load_settings(neo4j_home=tmp_path, neo4j_heap="768m", neo4j_pagecache="128m", neo4j_bolt_port=17001)
    cmd = server.server_command(settings, "java")
    assert "-Xmx768m" in cmd
    assert server.MAIN_CLASS in cmd
    assert "server.default_listen_address=127.0.0.1" in cmd
    assert "server.bolt.listen_address=127.0.0.1:17001" in cmd
    assert "server.memory.pagecache.size=128m" in cmd
    assert f"--home-dir={tmp_path}" in cmd


def test_start_refuses_a_taken_port_and_names_the_setting(tmp_path: Path) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        taken = squatter.getsockname()[1]
        settings = load_settings(neo4j_home=tmp_path, neo4j_bolt_port=taken, neo4j_http_port=free_port())
        with pytest.raises(Neo4jServerError) as err:
            server.start(settings)
    assert f"port {taken}" in str(err.value)
    assert "P2P_NEO4J_BOLT_PORT" in str(err.value)
    assert not (tmp_path / "run" / "p2p-neo4j.pid").exists()


def test_a_stale_pid_file_is_not_taken_for_a_running_server(tmp_path: Path) -> None:
    paths = server.ServerPaths(tmp_path)
    paths.pid_file.parent.mkdir(parents=True)
    paths.pid_file.write_text("1")  # pid 1 exists but is not our Neo4j
    assert server.running_pid(paths) is None
    paths.pid_file.write_text("not a pid")
    assert server.running_pid(paths) is None


def test_missing_java_is_reported_with_the_setting(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(server.shutil, "which", lambda _name: None)
    settings = load_settings(java_home=tmp_path)
    with pytest.raises(Neo4jServerError, match="P2P_JAVA_HOME"):
        server.java_binary(settings)


def _console(tmp_path: Path, text: str) -> server.ServerPaths:
    paths = server.ServerPaths(tmp_path)
    paths.console_log.parent.mkdir(parents=True, exist_ok=True)
    paths.console_log.write_text(text)
    return paths


NOISE = "2026-11-29 04:24:30.346+0000 ERROR Client triggered an unexpected error: Response write failure\n" * 2000


def test_a_server_that_logged_a_lot_since_it_started_is_seen_as_started(tmp_path: Path) -> None:
    """Found by the reliability suite: after a Neo4j restart under load the server logged 200 KB of
    network errors, and an API restarted next to it waited for a start it had missed."""
    paths = _console(tmp_path, "INFO  Starting...\nINFO  Bolt enabled\nINFO  Started.\n" + NOISE)
    assert server._log_says_started(paths, chunk=4096)


def test_a_restart_in_progress_is_not_seen_as_started(tmp_path: Path) -> None:
    paths = _console(
        tmp_path, "INFO  Starting...\nINFO  Started.\n" + NOISE + "INFO  Starting...\nINFO  Bolt enabled\n"
    )
    assert not server._log_says_started(paths, chunk=4096)
    assert not server._log_says_started(_console(tmp_path / "none", ""))
