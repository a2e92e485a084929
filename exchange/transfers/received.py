"""What the previous payer sent, kept exactly as a file before anything else happens: named by
its content hash, written atomically, so a repeated fetch rewrites the same file and an
ingestion can always be re-run from it."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Kept:
    file: str
    sha256: str


def bundle_entries(body: Any) -> list[dict[str, Any]] | None:
    """The resources of a FHIR Bundle page, or None when the body is not one."""
    if not isinstance(body, dict) or body.get("resourceType") != "Bundle":
        return None
    entries = body.get("entry", [])
    if not isinstance(entries, list):
        return None
    resources = [e.get("resource") for e in entries if isinstance(e, dict)]
    if any(not isinstance(r, dict) or not isinstance(r.get("resourceType"), str) for r in resources):
        return None
    return resources  # type: ignore[return-value]


def canonical_bundle(resources: list[dict[str, Any]]) -> bytes:
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": r} for r in resources]}
    return json.dumps(bundle, sort_keys=True, separators=(",", ":")).encode()


def keep(data_dir: Path, transfer_id: str, resources: list[dict[str, Any]]) -> Kept:
    content = canonical_bundle(resources)
    digest = hashlib.sha256(content).hexdigest()
    folder = data_dir / "transfers" / transfer_id
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"received-{digest}.json"
    if not target.exists():
        fd, draft = tempfile.mkstemp(dir=folder, prefix=".received-")
        with os.fdopen(fd, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.replace(draft, target)
    return Kept(str(target), digest)


def load(file: str, sha256: str) -> list[dict[str, Any]] | None:
    """The resources of a kept file, or None when it is missing or its content changed."""
    path = Path(file)
    if not path.is_file():
        return None
    content = path.read_bytes()
    if hashlib.sha256(content).hexdigest() != sha256:
        return None
    return bundle_entries(json.loads(content))
