"""A bulk pull's run (what one process needs to drive it) and its recorded state: the stages, and
``save``, which records a step's outcome (and its audit event, if any) in one transaction, only while
this run holds the pull's lease."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

import httpx

from audit import clock
from audit.domain.events import EventDraft
from audit.ledger import append
from exchange.bulk.pull import Partner
from exchange.bulk.pull_lease import LeaseLost, PullLease
from graph.store import GraphStore, TxRunner

State = dict[str, Any]


class Stage(StrEnum):
    NEW = "new"
    MATCHING = "matching"
    MATCHED = "matched"
    EXPORTING = "exporting"
    DOWNLOADING = "downloading"
    INGESTING = "ingesting"
    COMPLETED = "completed"


def default_holder() -> str:
    """This process, as leases, logs and refusals name it."""
    return f"pull-{socket.gethostname()}-{os.getpid()}"


@dataclass
class PullRun:
    store: GraphStore
    data_dir: Path
    http: httpx.Client
    partner: Partner
    pull_id: str  # also the transfer id of the data's provenance
    correlation_id: str
    bundles: list[dict[str, Any]]  # sent only while the match is not kicked off
    export_query: dict[str, str] = field(default_factory=dict)
    deadline_s: float = 600
    stopped_after: Callable[[str], None] = lambda _step: (
        None
    )  # called after each recorded step: a stage, "file", "member"
    newly_ingested: int = 0
    holder: str = field(default_factory=default_holder)
    lease_length: timedelta = timedelta(seconds=60)
    now: Callable[[], datetime] = clock.now
    lease: PullLease | None = None  # while the run holds the pull (``pull_job.run_pull``)

    @property
    def folder(self) -> Path:
        return self.data_dir / "bulk" / "pulls" / self.pull_id

    @property
    def held(self) -> PullLease:
        if self.lease is None:
            raise LeaseLost(self.pull_id)
        self.lease.check()
        return self.lease


@dataclass(frozen=True)
class Advance:
    """What a step learned (``changes`` to the pull), the audit event recording it if any, and files
    of the pull's folder that are no longer the pull's (deleted once the changes are recorded)."""

    changes: State
    event: EventDraft | None = None
    discard: tuple[str, ...] = ()


def save(run: PullRun, changes: State, event: EventDraft | None = None) -> None:
    """Record ``changes`` (and ``event``) in one transaction; ``LeaseLost`` when another process holds
    the pull now (nothing is recorded)."""
    plain = {name: str(value) if isinstance(value, Stage) else value for name, value in changes.items()}
    params = {"pull_id": run.pull_id, "token": run.held.token, "changes": plain}

    def work(tx: TxRunner) -> None:
        if not tx.run("bulk/save_pull", params):
            raise LeaseLost(run.pull_id)
        if event is not None:
            append(tx, event)

    run.store.in_write_transaction(work)
