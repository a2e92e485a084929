"""Archive audit events older than the retention period, in a folder that verifies on its own.

Export only: nothing is deleted from the ledger (the ledger's verification starts from the
genesis event, so a deleted prefix would read as missing events). The archive holds the
events from seq 1 up to the last signed checkpoint dated before the cut-off, so every
archived event is covered by a signature: ``events.jsonl`` (one stored event per line, in
chain order, exactly as hashed), and ``manifest.json`` with the range, the checkpoint
signatures within it and the public keys that made them. ``verify_archive`` re-walks the
chain from genesis with those keys alone.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from audit.domain.chain import ChainVerifier, CheckpointSeen, Problem, ProblemKind, VerificationReport
from audit.domain.checkpoints import Checkpoint, signature_valid
from audit.domain.events import format_time
from audit.domain.retention import archivable
from audit.errors import AuditError
from audit.keys import AuditKeys
from graph.store import GraphStore

PAGE = 5_000
EVENTS, MANIFEST = "events.jsonl", "manifest.json"
KEEP_IT = "keep it as it is for investigation and export the events again with `p2p audit archive`"


class ArchiveDamaged(AuditError):
    """An archive file cannot be read as one (not JSON, a field missing): it was damaged or altered."""


@dataclass(frozen=True)
class Archived:
    events: int
    last_seq: int
    folder: Path


def _last_signed_before(store: GraphStore, before: datetime) -> Checkpoint | None:
    first = store.read("audit/first_seq_at_or_after", {"at": format_time(before)})[0]["seq"]
    head = int(store.read("audit/head")[0]["seq"])
    limit = head if first is None else int(first) - 1
    rows = store.read("audit/checkpoints_between", {"after": 0, "until": limit})
    return Checkpoint(**rows[-1]["checkpoint"]) if rows else None


def archive(store: GraphStore, keys: AuditKeys, before: datetime, out: Path, retention_years: int,
            now: datetime) -> Archived:  # fmt: skip
    """Write the archive of the events before ``before`` (which must be past the retention period)."""
    if not archivable(before, now, retention_years):
        raise AuditError(f"events before {before.date()} are within the {retention_years}-year retention period")
    last = _last_signed_before(store, before)
    if last is None:
        raise AuditError(f"no signed checkpoint covers events before {before.date()}: nothing to archive")
    out.mkdir(parents=True, exist_ok=True)
    # The manifest is what makes a folder an archive: an earlier one goes first and this one is
    # written last, so an archive that stops halfway never pairs new events with an old manifest.
    (out / MANIFEST).unlink(missing_ok=True)
    count, after = 0, 0
    with _replacing(out / EVENTS) as lines:
        while after < last.seq:
            rows = store.read("audit/events_between", {"after": after, "until": min(after + PAGE, last.seq)})
            if not rows:
                raise AuditError(f"events after seq {after} are missing from the ledger: run `p2p audit verify`")
            for row in rows:
                lines.write(json.dumps(row["event"], sort_keys=True, ensure_ascii=False) + "\n")
            count, after = count + len(rows), int(rows[-1]["event"]["seq"])
    checkpoints = [r["checkpoint"] for r in store.read("audit/checkpoints_between", {"after": 0, "until": last.seq})]
    used = sorted({c["key_id"] for c in checkpoints})
    manifest = {"ledger": "main", "first_seq": 1, "last_seq": last.seq, "last_hash": last.hash, "events": count,
                "before": format_time(before), "retention_years": retention_years, "made_at": format_time(now),
                "checkpoints": checkpoints,
                "public_keys": {k: (keys.public_dir / f"{k}.pem").read_text() for k in used}}  # fmt: skip
    with _replacing(out / MANIFEST) as handle:
        handle.write(json.dumps(manifest, indent=2) + "\n")
    return Archived(count, last.seq, out)


@contextmanager
def _replacing(path: Path) -> Iterator[TextIO]:
    """Write to a temporary file beside ``path`` and put it in place only when complete."""
    draft = path.with_name(f".{path.name}.partial")
    try:
        with draft.open("w", encoding="utf-8") as handle:
            yield handle
        draft.replace(path)
    finally:
        draft.unlink(missing_ok=True)


def _seen(checkpoint: dict[str, Any], trusted: dict[str, Ed25519PublicKey]) -> CheckpointSeen:
    c, valid = checkpoint, signature_valid(Checkpoint(**checkpoint), trusted)
    return CheckpointSeen(c["seq"], c["hash"], c["at"], c["key_id"], valid)


def _events(path: Path) -> Iterator[dict[str, Any]]:
    """The archived events, each checked to be an event with a seq (bytes are decoded by
    ``json``, so a line that is not UTF-8 is named like one that is not JSON)."""
    with path.open("rb") as lines:
        for number, line in enumerate(lines, start=1):
            try:
                event = json.loads(line)
            except ValueError:
                raise ArchiveDamaged(f"{path} line {number} is not JSON; {KEEP_IT}") from None
            if not isinstance(event, dict) or not isinstance(event.get("seq"), int):
                raise ArchiveDamaged(f"{path} line {number} is not an audit event (no seq); {KEEP_IT}")
            yield event


def _trusted(manifest: dict[str, Any]) -> dict[str, Ed25519PublicKey]:
    keys = {k: load_pem_public_key(pem.encode()) for k, pem in manifest["public_keys"].items()}
    return {k: v for k, v in keys.items() if isinstance(v, Ed25519PublicKey)}


def verify_archive(folder: Path) -> VerificationReport:
    """The archive's chain from genesis, its checkpoints checked with the keys it carries; the
    last event must be the one the last checkpoint signed. A file that cannot be read as part of
    an archive at all (not JSON, a field missing) raises ``ArchiveDamaged`` naming it."""
    try:
        manifest = json.loads((folder / MANIFEST).read_bytes())
        trusted = _trusted(manifest)
        seen = {c["seq"]: _seen(c, trusted) for c in manifest["checkpoints"]}
        last_seq, last_hash = int(manifest["last_seq"]), str(manifest["last_hash"])
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        what = f"no {exc.args[0]!r}" if isinstance(exc, KeyError) else type(exc).__name__
        raise ArchiveDamaged(f"{folder / MANIFEST} is damaged ({what}); {KEEP_IT}") from None
    verifier, page = ChainVerifier(), []
    for event in _events(folder / EVENTS):
        page.append(event)
        if len(page) == PAGE:
            verifier.feed(page, [seen[e["seq"]] for e in page if e["seq"] in seen])
            page = []
    verifier.feed(page, [seen[e["seq"]] for e in page if e["seq"] in seen])
    report = verifier.finish(last_seq, last_hash)
    good, last = report.last_good_checkpoint, last_seq
    if good is None or good.seq != last:
        why = f"no valid signature covers the archive's last event, seq {last}"
        report.problems.append(Problem(last, ProblemKind.CHECKPOINT_MISMATCH, why))
    return report
