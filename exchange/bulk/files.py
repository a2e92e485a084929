"""Bulk files on disk, written atomically (temp file, fsync, rename) and named by the sha256
of their bytes: a file is there whole or not at all, and the same content has the same name."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from pathlib import Path
from typing import Any

from exchange.bulk.manifest import ExportFile
from exchange.member_data.ingest import _write_atomically


class NdjsonSink:
    """Lines of one resource type streamed to a temp file, hashed as they go; ``close`` names
    the file by its hash."""

    def __init__(self, folder: Path, resource_type: str) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder, self.resource_type = folder, resource_type
        self.temporary = folder / f".{uuid.uuid4().hex}.tmp"
        self.handle = self.temporary.open("wb")
        self.digest = hashlib.sha256()
        self.count = self.bytes = 0

    def write(self, line: bytes) -> None:
        data = line if line.endswith(b"\n") else line + b"\n"
        self.handle.write(data)
        self.digest.update(data)
        self.count += 1
        self.bytes += len(data)

    def close(self) -> ExportFile:
        self.handle.flush()
        os.fsync(self.handle.fileno())
        self.handle.close()
        done = ExportFile(self.resource_type, self.digest.hexdigest(), self.count, self.bytes)
        os.replace(self.temporary, self.folder / done.name)
        return done

    def discard(self) -> None:
        self.handle.close()
        self.temporary.unlink(missing_ok=True)


def write_json(path: Path, body: dict[str, Any]) -> bytes:
    """``body`` as compact JSON at ``path``, atomically (the received-data writer); returns the bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    content = json.dumps(body, separators=(",", ":")).encode()
    _write_atomically(path.parent, path.name, content)
    return content


def write_named(folder: Path, name: str, content: bytes) -> Path:
    """``content`` at ``folder/name``, atomically (a file already there by that name is kept)."""
    folder.mkdir(parents=True, exist_ok=True)
    return _write_atomically(folder, name, content)


def remove_tree(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
