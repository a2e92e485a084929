"""Evidence packet for a member: its audited events in chain order, its identity links'
history, and the proof that each listed event is in the verified chain.

The proof for an event at seq ``s``: the stretch of chain from ``s`` to the first signed
checkpoint at or after it (or to the head, when none yet) is verified link by link, and that
checkpoint's signature is checked. Since every hash covers the previous one, an event that
chains to a validly signed checkpoint is exactly the event that was there when it was signed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from audit import clock
from audit.domain.events import format_time
from audit.domain.packets import Cell, Packet, Section
from audit.evidence_html import render_html
from audit.search import Criteria, search
from audit.verification import verify_stretch
from graph.store import GraphStore

LinkHistory = Callable[[str], dict[str, Any]]
EVENT_COLUMNS = [
    "seq", "occurred_at", "actor", "action", "resource_type", "resource_id", "outcome", "reason_code",
    "correlation_id", "member_keys", "request_sha256", "response_sha256",
]  # fmt: skip


def _member_events(store: GraphStore, member_keys: list[str]) -> list[dict[str, Any]]:
    events: dict[int, dict[str, Any]] = {}
    for key in member_keys:
        after: int | None = 0
        while after is not None:
            page = search(store, Criteria(member_key=key), after=after, limit=1_000)
            events.update({int(e["seq"]): e for e in page.events})
            after = page.next_after
    return [events[s] for s in sorted(events)]


def _proof(store: GraphStore, trusted: dict[str, Ed25519PublicKey], events: list[dict[str, Any]]) -> Section:
    head = store.read("audit/head")[0]
    rows: list[dict[str, Cell]] = []
    proven: dict[int, tuple[bool, str]] = {}  # target seq -> (verified, how)
    for event in events:
        seq = int(event["seq"])
        found = store.read("audit/next_checkpoint", {"seq": seq})
        target = int(found[0]["checkpoint"]["seq"]) if found else int(head["seq"])
        if target not in proven:  # events come in seq order: the first of a group verifies them all
            report = verify_stretch(store, trusted, event, target)
            good = report.last_good_checkpoint
            how = (
                f"checkpoint seq {good.seq} signed {good.at} with key {good.key_id}"
                if found and good is not None and good.seq == target
                else f"head seq {target} (not yet checkpointed)"
            )
            ok = report.ok and (not found or (good is not None and good.seq == target))
            problem = report.first_problem
            proven[target] = (ok, how if ok else f"FAILED at seq {problem.seq}: {problem.message}" if problem else how)
        ok, how = proven[target]
        rows.append({"seq": seq, "hash": event["hash"], "prev_hash": event["prev_hash"], "chains_to": how,
                     "verified": ok})  # fmt: skip
    return Section(
        "chain_proof", "Chain proof",
        "Each event's stretch of the hash chain, verified link by link up to the signed checkpoint (or head) it "
        "chains to.", ["seq", "hash", "prev_hash", "chains_to", "verified"], rows,
    )  # fmt: skip


def _links(link_ids: list[str], link_history: LinkHistory) -> tuple[Section, Section]:
    links: list[dict[str, Cell]] = []
    history: list[dict[str, Cell]] = []
    for link_id in link_ids:
        found = link_history(link_id)
        link = found["link"]
        links.append({
            "link_id": link_id, "records": " / ".join(sorted(found["record_ids"])), "state": link.get("state"),
            "decided_by": link.get("decided_by"), "model_version": link.get("model_version"),
            "match_weight": link.get("match_weight"), "blocking_rule": link.get("blocking_rule"),
        })  # fmt: skip
        history += [{"link_id": link_id, **{k: e.get(k) for k in ("seq", "from_state", "to_state", "at", "actor",
                                                                  "reason")}} for e in found["events"]]  # fmt: skip
    return (
        Section("identity_links", "Identity links", "Every link of every record that was ever in this member.",
                ["link_id", "records", "state", "decided_by", "model_version", "match_weight", "blocking_rule"], links),
        Section("link_history", "Identity link history", "Every state change of those links, oldest first.",
                ["link_id", "seq", "from_state", "to_state", "at", "actor", "reason"], history),
    )  # fmt: skip


def member_packet(
    store: GraphStore, trusted: dict[str, Ed25519PublicKey], member_key: str, link_history: LinkHistory
) -> Packet:
    scope = store.read("audit/member_evidence_scope", {"member_key": member_key})
    member_keys = scope[0]["member_keys"] if scope else [member_key]
    events = _member_events(store, member_keys)
    cells = [{c: ", ".join(e[c]) if c == "member_keys" else e.get(c) for c in EVENT_COLUMNS} for e in events]
    sections = [
        Section(
            "events",
            "Audited events",
            f"Events concerning {', '.join(member_keys)}, in chain order.",
            EVENT_COLUMNS,
            cells,
        ),
        *_links(sorted(scope[0]["link_ids"]) if scope else [], link_history),
    ]
    proof = _proof(store, trusted, events)
    verified = all(row["verified"] for row in proof.rows)
    return Packet("member", member_key, format_time(clock.now()), verified, [*sections, proof])


def write_packet(packet: Packet, out_dir: Path) -> tuple[Path, Path]:
    """``evidence-<subject>.json`` and ``.html`` in ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9._-]", "_", f"evidence-{packet.subject_type}-{packet.subject_id}")
    json_path, html_path = out_dir / f"{stem}.json", out_dir / f"{stem}.html"
    json_path.write_text(json.dumps(packet.to_json(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    html_path.write_text(render_html(packet), encoding="utf-8")
    return json_path, html_path
