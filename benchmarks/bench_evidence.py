"""Transfer evidence packets among many audit events, on a throw-away Neo4j.

Fills the ledger fast (``audit.ledger.append_many``, one write per batch) with a realistic
mix: background events (steward and load events of 20,000 members) interleaved with
transfers, each transfer's 14 events (state moves, attempts with a retry, ingest,
acknowledgment) spread over ``--spread`` chain positions, with a signed checkpoint every
``--checkpoint-every`` events. Then times the evidence packet (search by transfer id and
correlation id, sections, chain proof) for ``--samples`` random transfers: p50 / p95 / max,
and the events each proof verified.

Usage: python benchmarks/bench_evidence.py [--events 100000] [--checkpoint-every 1000] [--spread 200]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Iterator
from typing import Any

from throwaway import throwaway_store

from audit.checkpointing import create_checkpoint
from audit.domain.events import EventDraft, Outcome
from audit.keys import AuditKeys
from audit.ledger import append_many
from audit.service import member_evidence, transfer_evidence
from graph.store import GraphStore

STATES = ["received", "identity_pending", "matched", "consent_checked", "requesting_data", "receiving", "ingested",
          "acknowledged", "completed"]  # fmt: skip
ATTEMPTS = [("MEMBER_MATCH", 1, 503), ("MEMBER_MATCH", 2, 200), ("FETCH_DATA", 1, 200), ("ACKNOWLEDGE", 1, 200)]


def background(n: int) -> EventDraft:
    return EventDraft(
        actor="steward:bench", actor_role="data_steward", action="link.confirm", resource_type="Link",
        resource_id=f"L{n}", outcome=Outcome.SUCCESS, reason_code="LINK_CONFIRMED", correlation_id=f"c{n}",
        member_keys=(f"M-{n % 20_000}",), details={"from_state": "CANDIDATE", "to_state": "CONFIRMED"},
    )  # fmt: skip


def transfer_events(t: int) -> list[EventDraft]:
    common: dict[str, Any] = {"resource_type": "Transfer", "resource_id": f"T{t}", "correlation_id": f"corr-t{t}",
              "transfer_id": f"T{t}", "member_keys": (f"M-{t % 20_000}",), "partner_id": "payer-a"}  # fmt: skip
    moves = [
        EventDraft(actor="service:worker-1", action=f"transfer.{to}", outcome=Outcome.SUCCESS,
                   reason_code=to.upper(), details={"to_transfer_state": to.upper(), "owner": "SERVICE"}, **common)
        for to in STATES
    ]  # fmt: skip
    attempts = [
        EventDraft(actor="service:worker-1", action="transfer.attempt",
                   outcome=Outcome.SUCCESS if status == 200 else Outcome.FAILED,
                   reason_code="DELIVERED" if status == 200 else "HTTP_503",
                   details={"step": step, "attempt": n, "status_code": status, "latency_ms": 40, "replayed": False,
                            **({} if status == 200 else {"error_class": "HTTP_STATUS"})}, **common)
        for step, n, status in ATTEMPTS
    ]  # fmt: skip
    ingest = EventDraft(actor="service:ingest", action="member_data.ingest", outcome=Outcome.SUCCESS,
                        reason_code="DATA_INGESTED", details={"files": 1, "resources": 3}, **common)  # fmt: skip
    return [*moves[:3], attempts[0], attempts[1], *moves[3:6], attempts[2], ingest, *moves[6:7], attempts[3],
            *moves[7:]]  # fmt: skip


def stream(total: int, spread: int) -> Iterator[EventDraft]:
    """Background events with transfers woven in: a transfer event every ``gap`` events, the
    active transfers taking turns, so each transfer's events span about ``spread`` events."""
    gap, per_transfer = 10, 14
    active = max(1, spread // (gap * per_transfer))
    pending: list[list[EventDraft]] = []
    started = 0
    for n in range(total):
        if n % gap == 0:
            while len(pending) < active:
                pending.append(transfer_events(started))
                started += 1
            turn = pending.pop(0)
            yield turn.pop(0)
            if turn:
                pending.append(turn)
        else:
            yield background(n)


def fill(store: GraphStore, keys: AuditKeys, total: int, spread: int, checkpoint_every: int) -> None:
    def write(drafts: list[EventDraft]) -> None:
        store.in_write_transaction(lambda tx: append_many(tx, drafts))

    batch: list[EventDraft] = []
    written, t0 = 0, time.perf_counter()
    for draft in stream(total, spread):
        batch.append(draft)
        if len(batch) == min(5_000, checkpoint_every):
            write(batch)
            written += len(batch)
            batch = []
            if written % checkpoint_every == 0:
                create_checkpoint(store, keys)
            if written % 100_000 == 0:
                print(f"  {written:,} events, {written / (time.perf_counter() - t0):,.0f} events/s", flush=True)
    if batch:
        write(batch)
    create_checkpoint(store, keys)
    seconds = time.perf_counter() - t0
    print(f"fill: {total:,} events in {seconds:.1f}s = {total / seconds:,.0f} events/s (append_many, 5,000 a write)")


def measure(store: GraphStore, keys: AuditKeys, transfers: int, samples: int) -> None:
    chosen = random.Random(7).sample(range(transfers), min(samples, transfers))
    timings, verified = [], []
    for t in chosen:
        started = time.perf_counter()
        packet = transfer_evidence(store, keys, transfer_id=f"T{t}")
        timings.append((time.perf_counter() - started) * 1000)
        assert packet is not None and packet.verified, f"T{t}"
        proof = packet.sections[-1].rows
        verified.append(max(int(str(r["events_verified"])) for r in proof))
    timings.sort()
    p95 = timings[max(0, round(len(timings) * 0.95) - 1)]
    median, stretch = statistics.median(timings), statistics.median(verified)
    print(f"transfer evidence packet ({len(chosen)} transfers, 14 events each): p50 {median:.1f} ms, "
          f"p95 {p95:.1f} ms, max {timings[-1]:.1f} ms; proof stretch p50 {stretch:,.0f} events, "
          f"max {max(verified):,} events")  # fmt: skip


def measure_members(store: GraphStore, keys: AuditKeys, samples: int = 10) -> None:
    """For comparison: a member's packet, whose events are spread over the whole chain (a stretch each)."""
    timings = []
    for n in range(samples):
        started = time.perf_counter()
        packet = member_evidence(store, keys, f"M-{n * 997 % 20_000}")
        timings.append((time.perf_counter() - started) * 1000)
        assert packet is not None and packet.verified
    print(f"member evidence packet ({samples} members, about {len(packet.sections[0].rows)} events each, spread over "
          f"the chain): p50 {statistics.median(timings):.0f} ms, max {max(timings):.0f} ms")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--checkpoint-every", type=int, default=1_000)
    parser.add_argument("--spread", type=int, default=200, help="chain positions one transfer's events span")
    parser.add_argument("--samples", type=int, default=50)
    parser.add_argument("--heap", default="1g")
    parser.add_argument("--pagecache", default="1g")
    args = parser.parse_args()
    with throwaway_store(args.heap, args.pagecache) as (store, root):
        keys = AuditKeys(root / "keys" / "signing.pem", root / "keys" / "public")
        fill(store, keys, args.events, args.spread, args.checkpoint_every)
        transfers = int(store.read("audit/head")[0]["seq"]) // 10 // 14  # complete transfers, about
        measure(store, keys, max(1, transfers - 20), args.samples)
        measure_members(store, keys)


if __name__ == "__main__":
    main()
