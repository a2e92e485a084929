"""Who runs a bulk pull: a lease on its ``(:BulkPull)``, so two processes (an operator running again a
pull still running elsewhere, two schedulers) never drive one pull at once.

- ``claim`` takes the lease when nobody holds an unexpired one (a new pull is created at its first
  stage), else raises ``PullBusy`` naming the holder and until when. The pull is locked, then
  checked, so of two claims at the same moment exactly one wins. Either way an audit event is
  appended in the claim's transaction (``pull_audit``).
- While the pull runs, ``held`` renews the lease from a heartbeat thread every third of its length,
  so a long download or a partner's slow job never lets it lapse, and gives it back when the run
  ends however it ends (completed, failed, Ctrl-C): the next run need not wait.
- A holder that died renews nothing: its lease expires and the next run takes the pull over where it
  stopped (``PULL_TAKEN_OVER``).
- Every write of the pull is fenced by the lease's token (``bulk/save_pull``,
  ``bulk/record_pull_member``): a holder taken over after losing its lease (paused longer than the
  lease, cut off from the database) can never record anything again (``LeaseLost``)."""

from __future__ import annotations

import contextvars
import logging
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from neo4j.exceptions import DriverError, Neo4jError

from audit.ledger import append
from exchange.bulk import pull_audit
from exchange.bulk.pull import PullError
from graph.store import GraphStore, TxRunner

log = logging.getLogger(__name__)


class PullBusy(PullError):
    """Another process holds an unexpired lease on the pull."""

    def __init__(self, pull_id: str, holder: str, until: str) -> None:
        super().__init__("pull_in_progress", f"pull {pull_id} is being run by {holder} until {until}")
        self.pull_id, self.holder, self.until = pull_id, holder, until


class LeaseLost(PullError):
    """Another process took the pull over (our lease had expired): this run records nothing more."""

    def __init__(self, pull_id: str) -> None:
        super().__init__("lease_lost", f"pull {pull_id} was taken over by another process; this run stopped")


@dataclass
class PullLease:
    store: GraphStore
    pull_id: str
    holder: str
    token: str
    length: timedelta
    now: Callable[[], datetime]
    lost: threading.Event = field(default_factory=threading.Event)

    def check(self) -> None:
        if self.lost.is_set():
            raise LeaseLost(self.pull_id)

    def renew(self) -> None:
        params = {"pull_id": self.pull_id, "token": self.token, "lease_until": (self.now() + self.length).isoformat()}
        if not self.store.write("bulk/renew_pull", params):
            self.lost.set()
            raise LeaseLost(self.pull_id)

    def release(self) -> None:
        self.store.write("bulk/release_pull", {"pull_id": self.pull_id, "token": self.token,
                                               "at": self.now().isoformat()})  # fmt: skip


def claim(store: GraphStore, pull_id: str, partner_id: str, holder: str, length: timedelta,
          now: Callable[[], datetime], correlation_id: str) -> tuple[dict[str, Any], PullLease]:  # fmt: skip
    """The pull's recorded state and our lease on it; ``PullBusy`` when another process holds it."""
    lease = PullLease(store, pull_id, holder, uuid.uuid4().hex, length, now)
    at = now()
    params = {"pull_id": pull_id, "partner_id": partner_id, "holder": holder, "token": lease.token,
              "now": at.isoformat(), "lease_until": (at + length).isoformat()}  # fmt: skip

    def work(tx: TxRunner) -> dict[str, Any]:
        row = tx.run("bulk/claim_pull", params)[0]
        pull, stage = row["pull"], str(row["pull"]["stage"])
        if row["claimed"]:
            taken_over = row["held_by"] is not None  # a lease never given back: its holder died
            append(tx, pull_audit.claimed(pull_id, partner_id, holder, correlation_id, stage, int(pull["claims"]),
                                          taken_over))  # fmt: skip
        elif pull["partner_id"] == partner_id:
            append(tx, pull_audit.refused(pull_id, partner_id, holder, correlation_id, stage))
        return row

    row = store.in_write_transaction(work)
    pull = row["pull"]
    if pull["partner_id"] != partner_id:
        raise PullError("pull_of_another_partner", f"pull {pull_id} is a pull from {pull['partner_id']}")
    if not row["claimed"]:
        log.warning("bulk pull refused: another process holds it",
                    extra={"pull_id": pull_id, "holder": row["held_by"], "lease_until": row["held_until"]})  # fmt: skip
        raise PullBusy(pull_id, str(row["held_by"]), str(row["held_until"]))
    if row["held_by"] is not None:
        log.warning("bulk pull taken over: the previous holder's lease expired",
                    extra={"pull_id": pull_id, "previous_holder": row["held_by"], "holder": holder})  # fmt: skip
    log.info("bulk pull claimed", extra={"pull_id": pull_id, "holder": holder, "stage": pull["stage"]})
    return pull, lease


@contextmanager
def held(lease: PullLease) -> Iterator[PullLease]:
    """Renew ``lease`` every third of its length until the block ends, then give it back."""
    stop = threading.Event()
    interval = lease.length.total_seconds() / 3

    def beat() -> None:
        while not stop.wait(interval):
            try:
                lease.renew()
            except LeaseLost:
                log.warning("bulk pull lease lost: taken over by another process", extra={"pull_id": lease.pull_id})
                return
            except (DriverError, Neo4jError) as exc:  # the database may be back before the lease ends
                log.warning("bulk pull lease not renewed (%s); trying again", type(exc).__name__,
                            extra={"pull_id": lease.pull_id})  # fmt: skip

    context = contextvars.copy_context()  # the run's correlation id on the heartbeat's log lines
    thread = threading.Thread(target=context.run, args=(beat,), name=f"pull-lease-{lease.pull_id}", daemon=True)
    thread.start()
    try:
        yield lease
    finally:
        stop.set()
        thread.join(timeout=interval + 5)
        with suppress(DriverError, Neo4jError):  # unreachable: the lease simply expires
            lease.release()
