"""Bulk jobs in Neo4j: created by the API, leased by a runner (``runner.py``), renewed as they
progress, closed with their results. A runner that dies loses its lease when it expires and
another one (in this process after a restart, or in another replica) takes the job over; a
cancelled job fails its next renewal, so the runner stops."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

from graph.store import GraphStore, TxRunner


class Kind(StrEnum):
    MATCH = "match"
    EXPORT = "export"


class Status(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"


class LeaseLost(RuntimeError):
    """The job was cancelled, or another runner holds it now: stop without writing."""


@dataclass(frozen=True)
class Lease:
    job_id: str
    kind: Kind
    token: str
    claims: int


def new_id() -> str:
    return uuid.uuid4().hex


def create(store: GraphStore, root: Path, job_id: str, kind: Kind, owner: str, at: datetime, **fields: Any) -> str:
    """A pending job whose files live under ``root``: only runners sharing that folder claim it."""
    job = {"job_id": job_id, "kind": kind.value, "owner_partner_id": owner, "created_at": at.isoformat(),
           "root": str(root), **fields}  # fmt: skip
    store.write("bulk/create_job", {"job": {k: v for k, v in job.items() if v is not None}})
    return job_id


def get(store: GraphStore, job_id: str) -> dict[str, Any] | None:
    rows = store.read("bulk/job", {"job_id": job_id})
    return rows[0]["job"] if rows else None


def claim(
    store: GraphStore, root: Path, runner: str, now: datetime, lease: timedelta, kinds: tuple[Kind, ...] = tuple(Kind)
) -> Lease | None:
    token = uuid.uuid4().hex
    params = {"now": now.isoformat(), "lease_until": (now + lease).isoformat(), "token": token, "runner": runner,
              "root": str(root), "kinds": [k.value for k in kinds]}  # fmt: skip
    rows = store.write("bulk/claim_job", params)
    return Lease(rows[0]["job_id"], Kind(rows[0]["kind"]), token, rows[0]["claims"]) if rows else None


def renew(store: GraphStore, lease: Lease, done: int, total: int, until: datetime) -> None:
    params = {"job_id": lease.job_id, "token": lease.token, "done": done, "total": total,
              "lease_until": until.isoformat()}  # fmt: skip
    if not store.write("bulk/renew_job", params):
        raise LeaseLost(lease.job_id)


def finish_in(tx: TxRunner, lease: Lease, status: Status, at: datetime, changes: dict[str, Any]) -> None:
    params = {"job_id": lease.job_id, "token": lease.token, "status": status.value, "at": at.isoformat(),
              "changes": changes}  # fmt: skip
    if not tx.run("bulk/finish_job", params):
        raise LeaseLost(lease.job_id)


def cancel(store: GraphStore, job_id: str, partner_id: str, at: datetime) -> str | None:
    """The status the job had, or None when it is unknown, another partner's or already cancelled."""
    rows = store.write("bulk/cancel_job", {"job_id": job_id, "partner_id": partner_id, "at": at.isoformat()})
    return rows[0]["was"] if rows else None
