"""Neo4j's offline importer (`neo4j-admin database import full`, Community edition) for the
project's own local server: stop it, import the CSV files into the (empty) database, start
it again, and rebuild the schema's indexes over the imported data.

Only for a database that holds nothing but the schema record, so overwriting it loses
nothing; a server we do not run (``P2P_NEO4J_URI``) is never stopped, and loads over Bolt.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from graph import server
from graph.errors import Neo4jServerError
from graph.import_files import ImportFiles, UnsupportedImport, header_type
from graph.run_rows import Progress
from graph.schema import create_schema_objects
from graph.store import GraphStore
from p2p.settings import Settings

ADMIN_CLASS = "org.neo4j.cli.AdminTool"
INDEX_WAIT_S = 3600


@dataclass(frozen=True)
class BulkImporter:
    settings: Settings
    min_records: int = 0  # below this, Bolt is as quick as stopping and starting the server

    @classmethod
    def for_settings(cls, settings: Settings, min_records: int = 50_000) -> BulkImporter | None:
        return cls(settings, min_records) if settings.uses_local_server else None

    def accepts(self, store: GraphStore, records: pa.Table) -> bool:
        """An empty database, enough records, each record id once, and only column types
        the CSV import writes exactly as Bolt does."""
        if records.num_rows < self.min_records or store.read("admin/data_present")[0]["present"]:
            return False
        ids = records.column("record_id")
        if ids.null_count or len(ids.unique()) != records.num_rows:
            return False
        try:
            for name in records.column_names:
                header_type(records.column(name))
        except UnsupportedImport:
            return False
        return True

    @contextmanager
    def offline(self, store: GraphStore, progress: Progress) -> Iterator[Offline]:
        """The server stops in the background while the caller writes the files into
        ``offline.folder``; whatever happens, it is started again on the way out (and the
        schema's indexes built and online once an import went through)."""
        settings = self.settings
        settings.neo4j_home.mkdir(parents=True, exist_ok=True)
        stopping = threading.Thread(target=server.stop, args=(settings,), name="neo4j-stop")
        stopping.start()
        offline = Offline(self, Path(tempfile.mkdtemp(prefix="import-", dir=settings.neo4j_home)), stopping)
        try:
            yield offline
        finally:
            stopping.join()
            shutil.rmtree(offline.folder, ignore_errors=True)
            server.start(settings)
            store.forget_bookmarks()
        progress("server started", 1, 1)
        if offline.imported:
            create_schema_objects(store)
            store.write("admin/await_indexes", {"timeout_s": INDEX_WAIT_S})
            progress("indexes", 1, 1)

    def command(self, files: ImportFiles) -> list[str]:
        settings = self.settings
        java = server.java_binary(settings)
        return [
            java, f"-Xmx{settings.neo4j_heap}", "-cp", f"{settings.neo4j_lib}/*", ADMIN_CLASS,
            "database", "import", "full", "--overwrite-destination=true", "--array-delimiter=U+001F",
            "--id-type=integer",  # nodes numbered by graph/import_numbers.py
            f"--max-off-heap-memory={settings.neo4j_pagecache}", f"--report-file={files.folder / 'import.report'}",
            settings.neo4j_database, *files.arguments(),  # the database first: --nodes takes every file after it
        ]  # fmt: skip


@dataclass
class Offline:
    importer: BulkImporter
    folder: Path
    stopping: threading.Thread
    imported: bool = False

    def run_import(self, files: ImportFiles, progress: Progress) -> None:
        self.stopping.join()
        progress("server stopped", 1, 1)
        settings = self.importer.settings
        done = subprocess.run(
            self.importer.command(files), env={**os.environ, "NEO4J_HOME": str(settings.neo4j_home)},
            capture_output=True, text=True, check=False, cwd=self.folder,
        )  # fmt: skip
        if done.returncode != 0:
            raise Neo4jServerError(
                f"the Neo4j import failed (exit {done.returncode}): {_cause(done.stderr + done.stdout)}"
            )
        self.imported = True
        progress("import", 1, 1)


def _cause(output: str) -> str:
    """The importer's own message, not the stack trace under it."""
    lines = [line.strip() for line in output.splitlines() if line.strip() and not line.startswith(("\tat ", "  at "))]
    messages = [line for line in lines if "Exception" in line or "Error" in line or "error" in line]
    return ((messages or lines or ["no output"])[0])[:500]
