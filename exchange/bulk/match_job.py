"""Running a ``$bulk-member-match`` job: each MemberBundle decided by the single
``$member-match`` use case (``exchange.member_match.service.member_match``: same rules, same
recorded decision, coverage, consent and audit event), the decisions kept in batches with the
job's progress (a job taken over after a crash resumes after the last kept batch), then the
result Groups written and the matched Group stored for export, in one transaction with the
job's completion and its audit event."""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from audit.domain.events import EventDraft, Outcome
from audit.ledger import append
from exchange.bulk import jobs
from exchange.bulk.config import BulkConfig
from exchange.bulk.files import write_json
from exchange.bulk.groups import Category, GroupContext, MemberOutcome, category_of, group, result_parameters
from exchange.bulk.member_bundles import MemberBundle, parse_bulk
from exchange.member_match.result import Requester
from exchange.member_match.service import MatchContext, member_match
from graph.store import GraphStore, TxRunner


@dataclass(frozen=True)
class MatchJob:
    store: GraphStore
    match: MatchContext
    config: BulkConfig
    now: Callable[[], datetime]


def requester_of(job: dict[str, Any]) -> Requester:
    orgs = tuple((s, v) for s, _, v in (i.rpartition("|") for i in job.get("requester_identifiers") or []))
    return Requester(job["owner_partner_id"], job["client_id"], job["actor"], orgs)


def _bundles(run: MatchJob, job: dict[str, Any]) -> list[MemberBundle]:
    body = json.loads((run.config.root / "requests" / f"{job['job_id']}.json").read_bytes())
    return parse_bulk(body, job["hrex_version"])


def run_match(run: MatchJob, lease: jobs.Lease) -> None:
    job = jobs.get(run.store, lease.job_id)
    if job is None:
        return
    bundles, requester = _bundles(run, job), requester_of(job)
    kept = {e["idx"]: e for e in _entries(run.store, lease.job_id)}
    pending = [b for b in bundles if b.index not in kept]
    with ThreadPoolExecutor(run.config.parallel, thread_name_prefix="bulk-match") as pool:
        _decide_all(run, lease, pool, pending, requester, job, kept)
    _complete(run, lease, job, bundles, kept)


def _decide(run: MatchJob, bundle: MemberBundle, requester: Requester, correlation_id: str) -> dict[str, Any]:
    """One member, exactly as the single ``$member-match`` decides (and records) it."""
    result = member_match(run.match, bundle.request, requester, correlation_id, bundle.sha256)
    entry: dict[str, Any] = {"idx": bundle.index, "outcome": result.outcome, "decision_id": result.decision_id}
    if result.member_key is not None:
        entry["member_key"] = result.member_key
    return entry


def _decide_all(run: MatchJob, lease: jobs.Lease, pool: ThreadPoolExecutor, pending: list[MemberBundle],
                requester: Requester, job: dict[str, Any], kept: dict[int, Any]) -> None:  # fmt: skip
    """Members a batch at a time (``parallel`` at once), each batch kept with the job's progress."""
    for start in range(0, len(pending), run.config.batch):
        batch = pending[start : start + run.config.batch]
        entries = list(pool.map(lambda b: _decide(run, b, requester, job["correlation_id"]), batch))
        kept.update({e["idx"]: e for e in entries})
        params = {"job_id": lease.job_id, "token": lease.token, "entries": entries, "done": len(kept),
                  "lease_until": (run.now() + run.config.lease).isoformat()}  # fmt: skip
        if not run.store.write("bulk/record_match_entries", params):
            raise jobs.LeaseLost(lease.job_id)


def _entries(store: GraphStore, job_id: str) -> list[dict[str, Any]]:
    return [row["entry"] for row in store.read("bulk/match_entries", {"job_id": job_id})]


def _complete(
    run: MatchJob, lease: jobs.Lease, job: dict[str, Any], bundles: list[MemberBundle], kept: dict[int, Any]
) -> None:
    now, group_id = run.now(), f"{lease.job_id}-match"
    outcomes = []
    for b in bundles:
        member_key, outcome = kept[b.index].get("member_key"), kept[b.index]["outcome"]
        outcomes.append(MemberOutcome(b.index, b.patient, category_of(outcome, member_key), member_key))
    requester = requester_of(job)
    ctx = GroupContext(group_id, requester.organization_identifiers, job.get("requester_name") or requester.partner_id,
                       run.config.payer_identifiers, run.config.payer_name, now.date().isoformat())  # fmt: skip
    result_path = run.config.root / "results" / f"{lease.job_id}.json"
    write_json(result_path, result_parameters(outcomes, ctx))
    matched = [o for o in outcomes if o.category is Category.MATCH]
    group_path = run.config.root / "groups" / f"{group_id}.json"
    write_json(group_path, group(Category.MATCH, matched, ctx))
    counts = {c: sum(1 for o in outcomes if o.category is c) for c in Category}
    stored = {"group_id": group_id, "owner_partner_id": requester.partner_id, "code": Category.MATCH.value,
              "job_id": lease.job_id, "quantity": len(matched), "path": str(group_path),
              "created_at": now.isoformat()}  # fmt: skip
    members = [{"member_key": o.member_key, "patient_id": str(o.patient.get("id"))} for o in matched]
    changes = {"result_path": str(result_path), "group_id": group_id, "done": len(bundles), "total": len(bundles)}
    event = _event(job, group_id, counts)

    def work(tx: TxRunner) -> None:
        tx.run("bulk/create_group", {"group": stored, "members": members})
        jobs.finish_in(tx, lease, jobs.Status.COMPLETED, now, changes)
        append(tx, event)

    run.store.in_write_transaction(work)


def _event(job: dict[str, Any], group_id: str, counts: dict[Category, int]) -> EventDraft:
    details: dict[str, int | bool | str] = {
        "members": sum(counts.values()),
        "members_matched": counts[Category.MATCH],
        "members_no_match": counts[Category.NO_MATCH],
        "members_consent_constrained": counts[Category.CONSENT],
    }
    return EventDraft(
        actor=job["actor"], actor_role="partner", actor_client_id=job["client_id"], action="bulk_match.complete",
        resource_type="Group", resource_id=group_id, outcome=Outcome.SUCCESS, reason_code="BULK_MATCH_COMPLETED",
        correlation_id=job["correlation_id"], partner_id=job["owner_partner_id"],
        request_sha256=job["request_sha256"], details=details,
    )  # fmt: skip
