"""Running a ``$davinci-data-export`` job on a Group: each member's consent re-checked today
(``release_rules.consent_at_release`` on the consent of the partner's latest match of the
member), the allowed members' data assembled into NDJSON files (``assemble``), refused
members listed in an OperationOutcome error file, and the manifest, the files' hashes (one
audit event per file) and the released members (events of at most 100 member keys) committed
with the job's completion. A cancelled job stops at its next progress record and its folder
is removed; a job taken over after a crash starts again (its files are content-addressed)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from audit.domain.events import EventDraft, Outcome
from audit.ledger import append
from exchange.bulk import jobs
from exchange.bulk.assemble import Allowed, assemble
from exchange.bulk.config import BulkConfig
from exchange.bulk.export_request import from_json, window
from exchange.bulk.files import NdjsonSink, remove_tree
from exchange.bulk.manifest import ExportFile, Refused, manifest, refusal_line
from exchange.domain import release_rules as rules
from exchange.domain.type_filter import parse_type_filters
from exchange.member_data.store import MemberDataStore
from graph.store import GraphStore, TxRunner

KEYS_PER_EVENT = 100


@dataclass(frozen=True)
class ExportJob:
    store: GraphStore
    config: BulkConfig
    now: Callable[[], datetime]


@dataclass(frozen=True)
class Decided:
    allowed: list[Allowed]
    released: list[str]  # member keys whose data goes out
    refused: list[Refused]


def _consent(row: dict[str, Any]) -> rules.RecordedConsent | None:
    consent = row["consent"]
    if consent is None:
        return None
    start, end = consent.get("period_start"), consent.get("period_end")
    return rules.RecordedConsent(consent.get("policy"), date.fromisoformat(start) if start else None,
                                 date.fromisoformat(end) if end else None)  # fmt: skip


def decide_members(rows: Sequence[dict[str, Any]], patients: Sequence[str], today: date) -> Decided:
    """Per member of the Group (``patients`` narrows it): its records when the consent holds
    today, or the reason it does not."""
    wanted = set(patients)
    decided = Decided([], [], [])
    for row in rows:
        key = row["group_member_key"]
        if wanted and key not in wanted:
            continue
        verdict = rules.consent_at_release(_consent(row) if row["decision_id"] else None, today)
        if verdict.refusal is not None:
            decided.refused.append(Refused(key, verdict.refusal.value))
            continue
        decided.released.append(key)
        decided.allowed.extend(Allowed(r, verdict.include_sensitive, key) for r in row["record_ids"])
    known = {row["group_member_key"] for row in rows}
    decided.refused.extend(Refused(k, "not_a_member_of_the_group") for k in sorted(wanted - known))
    return decided


def run_export(run: ExportJob, lease: jobs.Lease) -> None:
    job = jobs.get(run.store, lease.job_id)
    if job is None:
        return
    folder, today = run.config.export_dir(lease.job_id), run.now().date()
    remove_tree(folder)  # a job taken over starts again from nothing
    request = from_json(job["export_request"])
    params = {"group_id": job["group_id"], "partner_id": job["owner_partner_id"], "payer_id": run.config.payer_id}
    decided = decide_members(run.store.read("bulk/export_scope", params), request.patients, today)
    total = len(decided.released) + len(decided.refused)

    def progress(resources: int) -> None:
        jobs.renew(run.store, lease, resources, total, run.now() + run.config.lease)

    try:
        progress(0)
        data = MemberDataStore(run.config.member_data_dir, run.config.payer_id)
        output = assemble(data, decided.allowed, request.types, window(request, today), folder,
                          run.config.max_lines, progress, parse_type_filters(request.type_filters))  # fmt: skip
        error = _error_file(folder, decided.refused)
        _complete(run, lease, job, output, error, decided)
    except jobs.LeaseLost:
        remove_tree(folder)
        raise


def _error_file(folder: Any, refused: Sequence[Refused]) -> list[ExportFile]:
    if not refused:
        return []
    sink = NdjsonSink(folder, "OperationOutcome")
    for one in refused:
        sink.write(refusal_line(one))
    return [sink.close()]


def _complete(run: ExportJob, lease: jobs.Lease, job: dict[str, Any], output: list[ExportFile],
              error: list[ExportFile], decided: Decided) -> None:  # fmt: skip
    now = run.now()
    body = manifest(job["transaction_time"], job["request_url"], job["files_url"], output, error)
    events = _events(job, lease.job_id, [*output, *error], decided)
    changes = {"manifest_json": json.dumps(body, separators=(",", ":")), "done": sum(f.count for f in output)}

    def work(tx: TxRunner) -> None:
        jobs.finish_in(tx, lease, jobs.Status.COMPLETED, now, changes)
        for event in events:
            append(tx, event)

    run.store.in_write_transaction(work)


def _draft(job: dict[str, Any], job_id: str, **fields: Any) -> EventDraft:
    return EventDraft.model_validate({
        "actor": job["actor"], "actor_role": "partner", "actor_client_id": job["client_id"],
        "resource_type": "Group", "resource_id": job["group_id"], "correlation_id": job["correlation_id"],
        "partner_id": job["owner_partner_id"], "case_id": job_id, **fields,
    })  # fmt: skip


def _events(job: dict[str, Any], job_id: str, files: list[ExportFile], decided: Decided) -> list[EventDraft]:
    """Per file its hash and counts; the released members by 100; the refused ones by reason."""
    events = [
        _draft(job, job_id, action="bulk_export.file", outcome=Outcome.SUCCESS, reason_code="FILE_WRITTEN",
               response_sha256=f.sha256, details={"resources": f.count, "bytes": f.bytes})
        for f in files
    ]  # fmt: skip
    for keys in _chunks(decided.released):
        details = {"members": len(keys)}
        events.append(_draft(job, job_id, action="bulk_export.release", outcome=Outcome.SUCCESS,
                             reason_code="DATA_RELEASED", member_keys=keys, details=details))  # fmt: skip
    by_reason: dict[str, list[str]] = {}
    for one in decided.refused:
        by_reason.setdefault(one.reason, []).append(one.member_key)
    for reason, refused_keys in sorted(by_reason.items()):
        for keys in _chunks(refused_keys):
            details = {"members_refused": len(keys)}
            events.append(_draft(job, job_id, action="bulk_export.release", outcome=Outcome.REFUSED,
                                 reason_code=reason.upper(), member_keys=keys, details=details))  # fmt: skip
    return events


def _chunks(keys: list[str]) -> list[tuple[str, ...]]:
    return [tuple(keys[start : start + KEYS_PER_EVENT]) for start in range(0, len(keys), KEYS_PER_EVENT)]
