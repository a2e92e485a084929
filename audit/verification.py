"""Verify the ledger as stored: the whole chain in pages (bounded memory), or one stretch of it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from audit.domain.canonical import GENESIS_HASH
from audit.domain.chain import ChainVerifier, CheckpointSeen, VerificationReport
from audit.domain.checkpoints import Checkpoint, signature_valid
from graph.store import GraphStore

PAGE_SIZE = 5_000
END = 2**62
Progress = Callable[[int, int], None]  # (last seq verified, head seq)


def _checkpoints(
    store: GraphStore, trusted: dict[str, Ed25519PublicKey], after: int, until: int
) -> list[CheckpointSeen]:
    seen = []
    for row in store.read("audit/checkpoints_between", {"after": after, "until": until}):
        c = Checkpoint(**row["checkpoint"])
        seen.append(CheckpointSeen(c.seq, c.hash, c.at, c.key_id, signature_valid(c, trusted)))
    return seen


def _page(store: GraphStore, after: int, size: int) -> list[dict[str, Any]]:
    return [row["event"] for row in store.read("audit/events_page", {"after": after, "limit": size})]


def verify_ledger(
    store: GraphStore,
    trusted: dict[str, Ed25519PublicKey],
    page_size: int = PAGE_SIZE,
    progress: Progress | None = None,
) -> VerificationReport:
    """Walk the whole chain, then compare its end with the head (re-read, so events appended
    while the walk ran are walked too rather than reported)."""
    verifier, after = ChainVerifier(), 0
    head = store.read("audit/head")[0]
    for _round in range(100):
        while page := _page(store, after, page_size):
            until = int(page[-1]["seq"])
            verifier.feed(page, _checkpoints(store, trusted, after, until))
            after = until
            if progress:
                progress(after, max(int(head["seq"]), after))
        head = store.read("audit/head")[0]
        if int(head["seq"]) <= after:
            break
        if not _page(store, after, 1):
            break  # the head names events that are not there: reported as missing
    later = _checkpoints(store, trusted, after, END)
    return verifier.finish(int(head["seq"]), str(head["hash"] or GENESIS_HASH), later)


def verify_stretch(
    store: GraphStore, trusted: dict[str, Ed25519PublicKey], first: dict[str, Any], last_seq: int
) -> VerificationReport:
    """Verify events from ``first`` (a stored event) up to ``last_seq`` link by link: the proof
    that ``first`` is part of the chain that ends in ``last_seq`` (a checkpoint or the head)."""
    start = int(first["seq"])
    verifier, after = ChainVerifier(start_seq=start, prev_hash=str(first.get("prev_hash"))), start - 1
    while after < last_seq:
        until = min(after + PAGE_SIZE, last_seq)
        page = [row["event"] for row in store.read("audit/events_between", {"after": after, "until": until})]
        if not page:
            break
        verifier.feed(page, _checkpoints(store, trusted, after, int(page[-1]["seq"])))
        after = int(page[-1]["seq"])
    if after < last_seq:
        verifier.finish(last_seq, "", ())
    return verifier.report
