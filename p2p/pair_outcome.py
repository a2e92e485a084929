"""What happened to the transfers between the two payers, read back from both graphs.

The checks the workflow promises: every submitted request has exactly one transfer (0
lost), every transfer is finished or owned by someone who must act (nothing stuck with the
service), and nothing was done twice (one identity decision at A, one ingestion at B and
one acknowledgment at A per transfer).
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from exchange.domain.retry import TRANSIENT
from exchange.domain.transfer import FINISHED, TransferState
from exchange.domain.transfer_rules import Intent
from p2p.bootstrap import graph_store
from p2p.payer_pair import B, PayerPair, done_twice

AT_REST = {*FINISHED, TransferState.DEAD_LETTERED, TransferState.HELD_FOR_IDENTITY}


@dataclass
class PairOutcome:
    submitted: int
    transfers: int
    found: dict[str, str]  # source request id -> transfer id
    states: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)  # "state: reason" of every unfinished or failed one
    attempts: Counter[str] = field(default_factory=Counter)  # error class (or "ok") of every call to A
    latency_s: list[float] = field(default_factory=list)  # request to completion
    calls: Counter[str] = field(default_factory=Counter)  # completed transfer id -> its calls to A
    decided_twice: int = 0
    ingested_twice: int = 0
    acknowledged_twice: int = 0

    @property
    def lost(self) -> int:
        return self.submitted - len(self.found)

    @property
    def stuck(self) -> int:
        return sum(n for s, n in self.states.items() if s not in AT_REST)

    @property
    def retries(self) -> int:
        """Calls that failed transiently (and were retried, or ended in a dead letter)."""
        return sum(n for kind, n in self.attempts.items() if kind in TRANSIENT)

    @property
    def refusals(self) -> int:
        """Calls the partner answered with a final refusal (or that failed for good)."""
        return sum(n for kind, n in self.attempts.items() if kind != "ok" and kind not in TRANSIENT)

    @property
    def holds(self) -> bool:
        return not (self.lost or self.stuck or self.decided_twice or self.ingested_twice or self.acknowledged_twice
                    or self.transfers != self.submitted)  # fmt: skip

    def latency_p(self, q: int) -> float | None:
        """The ``q``-th percentile of request-to-completion seconds (None below two)."""
        if len(self.latency_s) < 2:
            return None
        return statistics.quantiles(self.latency_s, n=100)[q - 1]

    def example_transfer(self) -> str | None:
        """The completed transfer with the most calls to A (retries make the better example)."""
        return min(self.calls, key=lambda t: (-self.calls[t], t), default=None)


def read_outcome(pair: PayerPair, bodies: list[dict[str, Any]]) -> PairOutcome:
    """Find each submitted request's transfer by its business intent and read how it ended."""
    with graph_store(pair.b) as store:
        found = {}
        for body in bodies:
            intent = Intent(body["previous_payer"], B, body["member_key"], body["source_request_id"])
            rows = store.read("transfers/transfer_by_intent", {"intent_key": intent.key})
            if rows:
                found[body["source_request_id"]] = rows[0]["transfer_id"]
        every = store.read("transfers/list_transfers", {"state": None, "owner": None, "limit": 1_000_000})
        outcome = PairOutcome(submitted=len(bodies), transfers=len(every), found=found)
        for transfer_id in found.values():
            view = store.read("transfers/transfer", {"transfer_id": transfer_id})[0]
            t = view["transfer"]
            outcome.states[t["state"]] += 1
            if t["state"] == TransferState.COMPLETED:
                outcome.calls[transfer_id] = len(view["attempts"])
                took = datetime.fromisoformat(t["updated_at"]) - datetime.fromisoformat(t["created_at"])
                outcome.latency_s.append(took.total_seconds())
            else:
                outcome.reasons[f"{t['state']}: {t['reason']}"] += 1
            for attempt in view["attempts"]:
                outcome.attempts[attempt.get("error_class") or "ok"] += 1
    outcome.decided_twice = done_twice(pair.a, "member_match.decide", by_transfer=False)
    outcome.ingested_twice = done_twice(pair.b, "member_data.ingest", by_transfer=True)
    outcome.acknowledged_twice = done_twice(pair.a, "transfer.acknowledgment_received", by_transfer=True)
    return outcome
