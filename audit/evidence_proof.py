"""What every evidence packet shares: the event table, the chain proof and the files.

The proof for an event at seq ``s``: the stretch of chain from ``s`` to the first signed
checkpoint at or after it (or to the head, when none yet) is verified link by link, and that
checkpoint's signature is checked. Since every hash covers the previous one, an event that
chains to a validly signed checkpoint is exactly the event that was there when it was signed.

Events are taken in chain order and grouped by the checkpoint they chain to, so one stretch
(from the group's first event to its checkpoint) proves the whole group: a transfer's events,
written within seconds of each other, cost one stretch, as long as the distance to the next
checkpoint (``P2P_AUDIT_CHECKPOINT_EVERY_EVENTS`` bounds it) and never the whole chain.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from audit.domain.packets import Cell, Packet, Section
from audit.evidence_html import render_html
from audit.verification import verify_stretch
from graph.store import GraphStore

EVENT_COLUMNS = [
    "seq", "occurred_at", "actor", "action", "resource_type", "resource_id", "outcome", "reason_code",
    "correlation_id", "member_keys", "request_sha256", "response_sha256",
]  # fmt: skip
PROOF_COLUMNS = ["seq", "hash", "prev_hash", "chains_to", "events_verified", "verified"]


def event_cells(events: Sequence[dict[str, Any]], columns: Sequence[str] = EVENT_COLUMNS) -> list[dict[str, Cell]]:
    """Events as table rows (member keys joined)."""
    return [{c: ", ".join(e[c] or []) if c == "member_keys" else e.get(c) for c in columns} for e in events]


def _groups(store: GraphStore, events: Sequence[dict[str, Any]]) -> list[tuple[dict[str, Any] | None, list[int]]]:
    """(checkpoint or None for the head, indexes of the events that chain to it), in chain order."""
    groups: list[tuple[dict[str, Any] | None, list[int]]] = []
    bound = -1  # seq of the current group's checkpoint
    for i, event in enumerate(events):
        seq = int(event["seq"])
        if groups and (groups[-1][0] is None or seq <= bound):
            groups[-1][1].append(i)
            continue
        found = store.read("audit/next_checkpoint", {"seq": seq})
        checkpoint = found[0]["checkpoint"] if found else None
        bound = int(checkpoint["seq"]) if checkpoint else -1
        groups.append((checkpoint, [i]))
    return groups


def chain_proof(store: GraphStore, trusted: dict[str, Ed25519PublicKey], events: Sequence[dict[str, Any]]) -> Section:
    """The chain proof section; ``events`` in chain order (as search returns them)."""
    head_seq = int(store.read("audit/head")[0]["seq"])
    rows: list[dict[str, Cell]] = [{} for _ in events]
    for checkpoint, members in _groups(store, events):
        target = int(checkpoint["seq"]) if checkpoint else head_seq
        first = events[members[0]]
        report = verify_stretch(store, trusted, first, target)
        good = report.last_good_checkpoint
        signed = checkpoint is not None and good is not None and good.seq == target
        ok = report.ok and (checkpoint is None or signed)
        how = (
            f"checkpoint seq {target} signed {good.at} with key {good.key_id}"
            if signed and good is not None
            else f"head seq {target} (not yet checkpointed)"
        )
        problem = report.first_problem
        if not ok:
            how = f"FAILED at seq {problem.seq}: {problem.message}" if problem else f"FAILED: checkpoint {target}"
        for i in members:
            e = events[i]
            rows[i] = {"seq": e["seq"], "hash": e["hash"], "prev_hash": e["prev_hash"], "chains_to": how,
                       "events_verified": report.events, "verified": ok}  # fmt: skip
    return Section(
        "chain_proof", "Chain proof",
        "Each event's stretch of the hash chain, verified link by link up to the signed checkpoint (or head) it "
        "chains to; events_verified is the length of that stretch.", PROOF_COLUMNS, rows,
    )  # fmt: skip


def proven_packet(subject_type: str, subject_id: str, at: str, sections: list[Section], proof: Section) -> Packet:
    """The packet, verified when every proof row is (an empty proof proves nothing is listed)."""
    return Packet(subject_type, subject_id, at, all(r["verified"] for r in proof.rows), [*sections, proof])


def write_packet(packet: Packet, out_dir: Path) -> tuple[Path, Path]:
    """``evidence-<type>-<subject>.json`` and ``.html`` in ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9._-]", "_", f"evidence-{packet.subject_type}-{packet.subject_id}")
    json_path, html_path = out_dir / f"{stem}.json", out_dir / f"{stem}.html"
    json_path.write_text(json.dumps(packet.to_json(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    html_path.write_text(render_html(packet), encoding="utf-8")
    return json_path, html_path
