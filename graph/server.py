"""Start, stop and inspect the project's own Neo4j Community server.

The server is the real Neo4j bootstrapper (``org.neo4j.server.CommunityEntryPoint``)
run from the jars in ``infra/neo4j/target/lib``, with Bolt and HTTP bound to 127.0.0.1.
Its home, data and logs live under ``P2P_NEO4J_HOME``; we keep our own pid file there
because the console-mode bootstrapper does not write one.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from graph.errors import Neo4jServerError
from graph.jars import fetch_jars, jars_present
from p2p.settings import Settings

MAIN_CLASS = "org.neo4j.server.CommunityEntryPoint"
MIN_JAVA = 17
JVM_FLAGS = (
    "-XX:+UseG1GC",
    "-XX:+ExitOnOutOfMemoryError",
    "-XX:-OmitStackTraceInFastThrow",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dlog4j2.disable.jmx=true",
)


@dataclass(frozen=True)
class ServerPaths:
    home: Path

    @property
    def pid_file(self) -> Path:
        return self.home / "run" / "p2p-neo4j.pid"

    @property
    def console_log(self) -> Path:
        return self.home / "logs" / "console.log"

    @property
    def debug_log(self) -> Path:
        return self.home / "logs" / "debug.log"


def java_binary(settings: Settings) -> str:
    if settings.java_home is not None:
        candidate = settings.java_home / "bin" / "java"
        if candidate.exists():
            return str(candidate)
    found = shutil.which("java")
    if found is None:
        raise Neo4jServerError(f"Java {MIN_JAVA}+ is needed for the local Neo4j: install a JDK or set P2P_JAVA_HOME")
    return found


def java_major_version(java: str) -> int:
    out = subprocess.run([java, "-version"], capture_output=True, text=True, check=False).stderr
    match = re.search(r'version "(\d+)(?:\.(\d+))?', out)
    if not match:
        raise Neo4jServerError(f"could not read the Java version from {java}: {out.strip()[:200]}")
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major


def port_in_use(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return True
    return False


def bolt_answers(port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout):
            return True
    except OSError:
        return False


def running_pid(paths: ServerPaths) -> int | None:
    """The pid of our server if its pid file names a live Neo4j process, else None."""
    try:
        pid = int(paths.pid_file.read_text().strip())
    except (FileNotFoundError, ValueError):
        return None
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return None
    return pid if MAIN_CLASS in cmdline and str(paths.home) in cmdline else None


def server_command(settings: Settings, java: str) -> list[str]:
    home = settings.neo4j_home
    overrides = {
        "server.default_listen_address": "127.0.0.1",
        "server.bolt.listen_address": f"127.0.0.1:{settings.neo4j_bolt_port}",
        "server.http.listen_address": f"127.0.0.1:{settings.neo4j_http_port}",
        "server.https.enabled": "false",
        "dbms.security.auth_enabled": "true",
        "dbms.usage_report.enabled": "false",
        "server.memory.pagecache.size": settings.neo4j_pagecache,
        "db.transaction.timeout": f"{int(settings.neo4j_query_timeout_s)}s",
    }
    cmd = [java, f"-Xms{settings.neo4j_heap}", f"-Xmx{settings.neo4j_heap}", *JVM_FLAGS]
    cmd += ["-cp", f"{settings.neo4j_lib}/*", MAIN_CLASS, f"--home-dir={home}", "--console-mode"]
    for key, value in overrides.items():
        cmd += ["-c", f"{key}={value}"]
    return cmd


@dataclass(frozen=True)
class StartResult:
    pid: int
    started_now: bool
    fresh_home: bool  # a new database: the first-start password must still be replaced


def start(settings: Settings) -> StartResult:
    """Start the local server unless ours already runs, and wait for Bolt."""
    paths = ServerPaths(settings.neo4j_home)
    pid = running_pid(paths)
    if pid is not None:
        _wait_for_bolt(settings, paths, pid)
        return StartResult(pid, started_now=False, fresh_home=False)
    for port, variable in (
        (settings.neo4j_bolt_port, "P2P_NEO4J_BOLT_PORT"),
        (settings.neo4j_http_port, "P2P_NEO4J_HTTP_PORT"),
    ):
        if port_in_use(port):
            raise Neo4jServerError(
                f"port {port} on 127.0.0.1 is already in use by another process; "
                f"stop it or choose another port with {variable}"
            )
    java = java_binary(settings)
    if (major := java_major_version(java)) < MIN_JAVA:
        raise Neo4jServerError(f"Neo4j 5.26 needs Java {MIN_JAVA}+, but {java} is Java {major}; set P2P_JAVA_HOME")
    if not jars_present(settings.neo4j_lib):
        fetch_jars(settings.neo4j_lib)
    fresh_home = not (paths.home / "data" / "databases" / "system").exists()
    for sub in ("run", "logs", "data"):
        (paths.home / sub).mkdir(parents=True, exist_ok=True)
    with paths.console_log.open("ab") as log:
        proc = subprocess.Popen(
            server_command(settings, java),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    paths.pid_file.write_text(str(proc.pid))
    _wait_for_bolt(settings, paths, proc.pid, proc)
    return StartResult(proc.pid, started_now=True, fresh_home=fresh_home)


def _wait_for_bolt(
    settings: Settings, paths: ServerPaths, pid: int, proc: subprocess.Popen[bytes] | None = None
) -> None:
    deadline = time.monotonic() + settings.neo4j_start_timeout_s
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            paths.pid_file.unlink(missing_ok=True)
            raise Neo4jServerError(
                f"Neo4j exited during start-up (code {proc.returncode}): {_last_error(paths)}\n"
                f"See {paths.console_log} and {paths.debug_log}"
            )
        if bolt_answers(settings.neo4j_bolt_port) and _log_says_started(paths):
            return
        time.sleep(0.25)
    raise Neo4jServerError(
        f"Neo4j (pid {pid}) did not answer on Bolt port {settings.neo4j_bolt_port} within "
        f"{settings.neo4j_start_timeout_s:.0f}s; see {paths.console_log}"
    )


def _log_says_started(paths: ServerPaths, chunk: int = 64 * 1024) -> bool:
    """Whether the console log's last "Starting..." is followed by "Started.". Read backwards chunk by
    chunk: a server that has run a while logs much more than a few KB after "Started." (a newcomer,
    such as an API restarted next to it, must still see it as started)."""
    try:
        with paths.console_log.open("rb") as log:
            end = log.seek(0, 2)
            tail = b""
            while end > 0:
                start = max(0, end - chunk)
                log.seek(start)
                tail = log.read(end - start) + tail
                end = start
                if b"Starting..." in tail:
                    break
    except OSError:
        return False
    text = tail.decode(errors="replace")
    last_start = text.rfind("Starting...")
    return "Started." in text[last_start:] if last_start >= 0 else "Started." in text


def _last_error(paths: ServerPaths) -> str:
    try:
        lines = paths.console_log.read_text(errors="replace").strip().splitlines()
    except OSError:
        return "no console log"
    errors = [line for line in lines if "ERROR" in line or "Exception" in line]
    return (errors or lines or ["no output"])[-1][:500]


def stop(settings: Settings, timeout_s: float = 60.0) -> int | None:
    """Stop our server cleanly (SIGTERM, SIGKILL after the timeout). Returns the pid stopped."""
    return _end(settings, signal.SIGTERM, timeout_s)


def crash(settings: Settings) -> int | None:
    """SIGKILL our server, as a power cut would: no clean shutdown, recovery on the next start.
    For the reliability suite. Returns the pid killed."""
    return _end(settings, signal.SIGKILL, 30.0)


def _end(settings: Settings, first: signal.Signals, timeout_s: float) -> int | None:
    paths = ServerPaths(settings.neo4j_home)
    pid = running_pid(paths)
    if pid is None:
        paths.pid_file.unlink(missing_ok=True)
        return None
    os.kill(pid, first)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and Path(f"/proc/{pid}").exists() and not _is_zombie(pid):
        time.sleep(0.2)
    if Path(f"/proc/{pid}").exists() and not _is_zombie(pid):
        os.kill(pid, signal.SIGKILL)
    paths.pid_file.unlink(missing_ok=True)
    while bolt_answers(settings.neo4j_bolt_port) and time.monotonic() < deadline + 10:
        time.sleep(0.2)
    return pid


def _is_zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] == "Z"
    except OSError:
        return True
