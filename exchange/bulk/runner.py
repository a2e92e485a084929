"""The bulk job runner of an API process: a daemon thread that claims due jobs with a lease
(``jobs.claim``) and runs them one at a time. Jobs live in Neo4j, so a restarted process (or
another replica) takes over a job whose runner died once its lease has expired. A job that
fails ``MAX_CLAIMS`` times is closed as failed; its status answers with the reason. A runner
without a matching model (no published model yet) runs exports only."""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from exchange.bulk import jobs
from exchange.bulk.config import BulkConfig
from exchange.bulk.export_job import ExportJob, run_export
from exchange.bulk.match_job import MatchJob, run_match
from exchange.member_match.service import MatchContext
from graph.store import GraphStore

log = logging.getLogger(__name__)
MAX_CLAIMS = 3


@dataclass
class Runner:
    store: GraphStore
    config: BulkConfig
    match: MatchContext | None
    now: Callable[[], datetime]
    name: str = ""

    def __post_init__(self) -> None:
        self.name = self.name or f"bulk-{uuid.uuid4().hex[:8]}"

    def run_once(self) -> bool:
        """Claim and run one due job; False when there was none."""
        kinds = tuple(jobs.Kind) if self.match is not None else (jobs.Kind.EXPORT,)  # no model: exports only
        lease = jobs.claim(self.store, self.config.root, self.name, self.now(), self.config.lease, kinds)
        if lease is None:
            return False
        if lease.claims > MAX_CLAIMS:
            self._fail(lease, "too_many_attempts")
            return True
        try:
            if lease.kind is jobs.Kind.EXPORT:
                run_export(ExportJob(self.store, self.config, self.now), lease)
            elif self.match is not None:  # match jobs are claimed only with a model
                run_match(MatchJob(self.store, self.match, self.config, self.now), lease)
        except jobs.LeaseLost:
            log.info("bulk job stopped: cancelled or taken over", extra={"job_id": lease.job_id})
        return True

    def _fail(self, lease: jobs.Lease, reason: str) -> None:
        changes = {"failure_reason": reason}
        self.store.in_write_transaction(lambda tx: jobs.finish_in(tx, lease, jobs.Status.FAILED, self.now(), changes))

    def drain(self) -> int:
        ran = 0
        while self.run_once():
            ran += 1
        return ran


def start(runner: Runner, poll_s: float = 0.5) -> Callable[[], None]:
    """Run ``runner`` on a daemon thread until the returned function is called."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                if not runner.run_once():
                    stop.wait(poll_s)
            except Exception as exc:  # keep the thread; the lease expires and the job runs again
                log.warning("bulk job runner: %s; the lease will expire and the job runs again", type(exc).__name__)
                stop.wait(poll_s)

    thread = threading.Thread(target=loop, name=runner.name, daemon=True)
    thread.start()

    def stop_runner() -> None:
        stop.set()
        thread.join(timeout=10)

    return stop_runner
