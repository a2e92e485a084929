"""Chain verification over stored events, page by page, in bounded memory.

Feed pages of stored events in sequence order (``ChainVerifier.feed``), with the signed
checkpoints that fall in each page, then ``finish`` with the head the ledger claims. Each
event is checked three ways: its content against its own hash, its ``prev_hash`` against
the previous event's hash, and its sequence number against the one expected. How those
checks fail tells what happened (``ProblemKind``); the report names the first bad sequence
number. Only the previous two hashes and one page are held at a time.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from audit.domain.canonical import GENESIS_HASH, event_hash
from audit.domain.report import SECONDARY, CheckpointSeen, Problem, ProblemKind, VerificationReport

__all__ = ["ChainVerifier", "CheckpointSeen", "Problem", "ProblemKind", "VerificationReport", "verify_events"]


def stored_fields(stored: Mapping[str, Any]) -> dict[str, Any]:
    """An event's hashed fields as stored (``details`` is JSON text in the database)."""
    fields = dict(stored)
    try:
        fields["details"] = json.loads(fields.get("details") or "{}")
    except (TypeError, ValueError):
        fields["details"] = {"unreadable": str(fields.get("details"))}
    return fields


def content_hash(fields: Mapping[str, Any], seq: int) -> str:
    """The hash the event's fields give at ``seq`` ("" when they hold what no event can)."""
    try:
        return event_hash({**fields, "seq": seq})
    except (TypeError, ValueError):  # a value no event can hold (a float, an object): altered
        return ""


class ChainVerifier:
    """Walks the chain from ``start_seq`` (whose predecessor's hash is ``prev_hash``)."""

    def __init__(self, start_seq: int = 1, prev_hash: str = GENESIS_HASH, max_problems: int = 20) -> None:
        self.expected = start_seq
        self.prev_hash = prev_hash
        self.prev2_hash: str | None = None
        self.prev_time = ""
        self.prev_had_problem = False
        self.max_problems = max_problems
        self.report = VerificationReport(last_seq=start_seq - 1, last_hash=prev_hash)
        self._shift_run: tuple[int, int] | None = None  # (last seq, shift) of a renumbered run
        self._chain_problems = 0

    def _problem(self, seq: int, kind: ProblemKind, message: str) -> None:
        if kind not in SECONDARY:
            self._chain_problems += 1
        if len(self.report.problems) < self.max_problems:
            self.report.problems.append(Problem(seq, kind, message))
        else:
            self.report.more_problems += 1

    def feed(self, events: Sequence[Mapping[str, Any]], checkpoints: Sequence[CheckpointSeen] = ()) -> None:
        """One page of stored events, ascending by ``seq``, and the checkpoints within its range."""
        page_hashes = {str(e.get("hash")): int(e["seq"]) for e in events}
        by_seq = {c.seq: c for c in checkpoints}
        for stored in events:
            self._check_event(stored, page_hashes)
            self._check_checkpoint(by_seq.pop(int(stored["seq"]), None), stored)
        for orphan in by_seq.values():
            self._problem(
                orphan.seq, ProblemKind.CHECKPOINT_MISMATCH, f"checkpoint at seq {orphan.seq} names a missing event"
            )

    def _check_event(self, stored: Mapping[str, Any], page_hashes: Mapping[str, int]) -> None:
        seq, fields = int(stored["seq"]), stored_fields(stored)
        problems_before = self._chain_problems
        if seq < self.expected:
            self._problem(seq, ProblemKind.DUPLICATE, f"a second event with seq {seq}")
            return
        gap = seq > self.expected
        if gap:
            self._problem(self.expected, ProblemKind.MISSING, f"events {self.expected}..{seq - 1} are missing")
        if content_hash(fields, seq) != stored.get("hash"):
            self._explain_altered(seq, fields, page_hashes)
        elif not gap and fields.get("prev_hash") != self.prev_hash:
            if fields.get("prev_hash") == self.prev2_hash:
                self._problem(seq - 1, ProblemKind.INSERTED, f"seq {seq} was written right after seq {seq - 2}")
            else:
                self._problem(
                    seq - 1, ProblemKind.REHASHED,
                    f"seq {seq} recorded another hash for seq {seq - 1}: it was changed and re-hashed, or replaced",
                )  # fmt: skip
        occurred = str(fields.get("occurred_at") or "")
        if occurred < self.prev_time:
            self._problem(seq, ProblemKind.TIME_ORDER, f"seq {seq} is dated before seq {seq - 1}")
        indexed = stored.get("indexed_member_keys")
        if indexed is not None and sorted(indexed) != sorted(fields.get("member_keys") or []):
            self._problem(seq, ProblemKind.INDEX, f"the member search index of seq {seq} differs from its member keys")
        self.prev_had_problem = self._chain_problems > problems_before
        self.prev2_hash, self.prev_hash = self.prev_hash, str(stored.get("hash"))
        self.prev_time, self.expected = max(occurred, self.prev_time), seq + 1
        self.report.events += 1
        self.report.last_seq, self.report.last_hash = seq, self.prev_hash

    def _explain_altered(self, seq: int, fields: Mapping[str, Any], page_hashes: Mapping[str, int]) -> None:
        """The content does not match the hash: edited in place, or moved to another seq."""
        shift = next((d for d in (1, -1) if content_hash(fields, seq + d) == fields.get("hash")), 0)
        if shift == 0:
            self._problem(seq, ProblemKind.ALTERED, f"seq {seq} does not match its hash (edited in place)")
            return
        continues_run = self._shift_run == (seq - 1, shift)
        self._shift_run = (seq, shift)
        if continues_run:
            return  # the rest of a renumbered stretch: the first one was reported
        predecessor = page_hashes.get(str(fields.get("prev_hash")))
        was = seq + shift
        if self.prev_had_problem or (predecessor is not None and predecessor not in (seq - 1, seq - 2)):
            self._problem(seq, ProblemKind.REORDERED, f"seq {seq} holds the event written as seq {was}")
        elif shift == 1:
            self._problem(seq, ProblemKind.MISSING, f"seq {seq} was deleted and the events after it renumbered")
        else:
            self._problem(
                seq - 1, ProblemKind.INSERTED, f"seq {seq - 1} was inserted and the events after it renumbered"
            )

    def _check_checkpoint(self, checkpoint: CheckpointSeen | None, stored: Mapping[str, Any]) -> None:
        if checkpoint is None:
            return
        self.report.checkpoints += 1
        if not checkpoint.signature_valid:
            why = f"the checkpoint at seq {checkpoint.seq} (key {checkpoint.key_id}) has a bad signature"
            self._problem(checkpoint.seq, ProblemKind.CHECKPOINT_SIGNATURE, why)
        elif checkpoint.hash != stored.get("hash"):
            after = self.report.last_good_checkpoint.seq if self.report.last_good_checkpoint else 0
            self._problem(after + 1, ProblemKind.CHECKPOINT_MISMATCH,
                          f"the chain differs from the checkpoint signed at seq {checkpoint.seq}: "
                          f"events {after + 1}..{checkpoint.seq} were rewritten")  # fmt: skip
        else:
            self.report.last_good_checkpoint = checkpoint

    def finish(
        self, head_seq: int, head_hash: str, later_checkpoints: Sequence[CheckpointSeen] = ()
    ) -> VerificationReport:
        """Compare the end of the walk with the ledger's head and any checkpoint past it."""
        last = self.report.last_seq
        if head_seq > last:
            self._problem(last + 1, ProblemKind.MISSING, f"events {last + 1}..{head_seq} are missing from the end")
        elif head_seq < last:
            self._problem(head_seq + 1, ProblemKind.INSERTED, f"events {head_seq + 1}..{last} were added past the head")
        elif head_hash != self.report.last_hash:
            self._problem(last, ProblemKind.REHASHED, f"the head recorded another hash for the last event, seq {last}")
        for checkpoint in later_checkpoints:
            self.report.checkpoints += 1
            self._problem(
                last + 1, ProblemKind.MISSING, f"a checkpoint signed seq {checkpoint.seq}, past the last event"
            )
        return self.report


def verify_events(
    events: Sequence[Mapping[str, Any]], head: tuple[int, str] | None = None, checkpoints: Sequence[CheckpointSeen] = ()
) -> VerificationReport:
    """Verify a whole chain held in memory (tests, small ledgers)."""
    verifier = ChainVerifier()
    verifier.feed(events, [c for c in checkpoints if c.seq <= (events[-1]["seq"] if events else 0)])
    last = verifier.report
    later = [c for c in checkpoints if c.seq > last.last_seq]
    head_seq, head_hash = head if head is not None else (last.last_seq, last.last_hash)
    return verifier.finish(head_seq, head_hash, later)
