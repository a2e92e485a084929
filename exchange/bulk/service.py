"""The bulk operations as partners see them: start a job, poll its status, cancel it, fetch
its files, read and search its Groups. A partner reaches only its own jobs, Groups and files:
anything else is answered exactly like something that does not exist (None here, 404 above)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from audit.domain.context import body_sha256
from exchange.bulk import jobs
from exchange.bulk.config import BulkConfig
from exchange.bulk.export_request import ExportRequest, to_json
from exchange.bulk.files import remove_tree, write_json
from exchange.bulk.member_bundles import MemberBundle
from exchange.member_match.result import Requester
from graph.store import GraphStore

RETRY_AFTER_S = 2


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


def submit_match(store: GraphStore, config: BulkConfig, body: dict[str, Any], bundles: list[MemberBundle],
                 requester: Requester, requester_name: str, correlation_id: str, now: datetime) -> str:  # fmt: skip
    """Keep the request (a file: it may be large) and create the job; returns its id."""
    job_id = jobs.new_id()
    raw = write_json(config.root / "requests" / f"{job_id}.json", body)
    orgs = [f"{s}|{v}" for s, v in requester.organization_identifiers]
    jobs.create(store, config.root, job_id, jobs.Kind.MATCH, requester.partner_id, now, client_id=requester.client_id,
                actor=requester.actor, requester_identifiers=orgs, requester_name=requester_name,
                correlation_id=correlation_id, request_sha256=body_sha256(raw), hrex_version=config.hrex_version,
                total=len(bundles))  # fmt: skip
    return job_id


def group_of(store: GraphStore, group_id: str, partner_id: str) -> dict[str, Any] | None:
    rows = store.read("bulk/group", {"group_id": group_id})
    found: dict[str, Any] | None = rows[0]["group"] if rows else None
    return found if found is not None and found["owner_partner_id"] == partner_id else None


def group_json(group: dict[str, Any]) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(Path(group["path"]).read_bytes())
    return loaded


def groups_of(store: GraphStore, partner_id: str, code: str | None, limit: int) -> list[dict[str, Any]]:
    rows = store.read("bulk/groups_of_partner", {"partner_id": partner_id, "code": code, "limit": limit})
    return [group_json(row["group"]) for row in rows]


def submit_export(store: GraphStore, config: BulkConfig, group_id: str, request: ExportRequest, requester: Requester,
                  request_url: str, correlation_id: str, now: datetime) -> str | None:  # fmt: skip
    """The export job's id, or None when the partner has no such Group."""
    if group_of(store, group_id, requester.partner_id) is None:
        return None
    job_id = jobs.new_id()
    jobs.create(store, config.root, job_id, jobs.Kind.EXPORT, requester.partner_id, now, client_id=requester.client_id,
                actor=requester.actor, group_id=group_id, export_request=to_json(request), request_url=request_url,
                files_url=config.files_url(job_id), correlation_id=correlation_id,
                transaction_time=now.isoformat())  # fmt: skip
    return job_id


def _own(store: GraphStore, job_id: str, partner_id: str) -> dict[str, Any] | None:
    job = jobs.get(store, job_id)
    return job if job is not None and job["owner_partner_id"] == partner_id else None


def _outcome(code: str, text: str, reason: str) -> bytes:
    details = {"coding": [{"system": "urn:payer-exchange:reason", "code": reason}], "text": text}
    issue = {"severity": "error", "code": code, "diagnostics": text, "details": details}
    return json.dumps({"resourceType": "OperationOutcome", "issue": [issue]}).encode()


def status(store: GraphStore, config: BulkConfig, job_id: str, partner_id: str) -> Answer | None:
    """202 with progress while the job runs, 200 with its result when done; None (404) for an
    unknown, another partner's or a cancelled job (Bulk Data: a deleted job is gone)."""
    job = _own(store, job_id, partner_id)
    if job is None or job["status"] == jobs.Status.CANCELLED:
        return None
    done, total = int(job.get("done") or 0), int(job.get("total") or 0)
    if job["status"] in (jobs.Status.PENDING, jobs.Status.RUNNING):
        progress = f"{done}/{total} members decided" if job["kind"] == jobs.Kind.MATCH else f"{done} resources written"
        return Answer(202, headers={"X-Progress": f"{job['status']}: {progress}", "Retry-After": str(RETRY_AFTER_S)})
    if job["status"] == jobs.Status.FAILED:
        reason = job.get("failure_reason") or "failed"
        return Answer(422, _outcome("exception", "the job could not be completed; submit it again", reason))
    if job["kind"] == jobs.Kind.MATCH:
        return Answer(200, Path(job["result_path"]).read_bytes())
    return Answer(200, job["manifest_json"].encode())


def cancel(store: GraphStore, config: BulkConfig, job_id: str, partner_id: str, now: datetime) -> bool:
    """Cancel (and for an export remove its files); False when there is no such job to cancel."""
    if _own(store, job_id, partner_id) is None:
        return False
    was = jobs.cancel(store, job_id, partner_id, now)
    if was is None:
        return False
    remove_tree(config.export_dir(job_id))
    return True


def export_file(store: GraphStore, config: BulkConfig, job_id: str, name: str, partner_id: str) -> Path | None:
    """A file of a completed export of this partner, only when its manifest lists it."""
    job = _own(store, job_id, partner_id)
    if job is None or job["status"] != jobs.Status.COMPLETED or job["kind"] != jobs.Kind.EXPORT:
        return None
    listed = json.loads(job["manifest_json"])
    urls = {entry["url"].rsplit("/", 1)[-1] for entry in [*listed["output"], *listed["error"]]}
    path = config.export_dir(job_id) / name
    return path if name in urls and path.is_file() else None
