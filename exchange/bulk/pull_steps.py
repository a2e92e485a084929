"""The steps of a bulk pull, one per stage; each returns what it learned (an ``Advance``), which
``pull_job`` records before the next step starts.

``new`` → kick off the match → ``matching`` (its status URL) → the matched Group and our member for
each of theirs → ``matched`` → kick off the export → ``exporting`` (its status URL) → the manifest →
``downloading`` (each file verified against its hash, written atomically and recorded before the
next) → ``ingesting`` (each member's data with a ``(:BulkPullMember)`` in one transaction, fenced by the
lease, so each member is ingested once) → ``completed``.

When the previous payer answers 404 or 410 for the match's status URL, the export's status URL or
files, or the matched Group, that step is kicked off again once under a new key
(``exchange.domain.bulk_pull``), with a ``bulk_pull.restart`` audit event; nothing has been ingested
before the ``ingesting`` stage, which calls no partner."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from exchange.bulk import pull as calls
from exchange.bulk import pull_audit
from exchange.bulk.files import write_named
from exchange.bulk.pull import JobForgotten, PullError, PullReport
from exchange.bulk.pull_lease import LeaseLost
from exchange.bulk.pull_state import Advance, PullRun, Stage, State, save
from exchange.domain.bulk_pull import Step, forgotten, kick_off_key, restart
from exchange.member_data.ingest import ingest_in, write_received
from graph.store import TxRunner

CLEARED_BY: dict[Step, State] = {  # what a step kicked off again makes obsolete
    Step.MATCH: {"match_url": None, "group_id": None, "members_json": None, "export_url": None,
                 "manifest_json": None, "downloaded": []},
    Step.EXPORT: {"export_url": None, "manifest_json": None, "downloaded": []},
}  # fmt: skip


def _generation(state: State, step: Step) -> int:
    return int(state.get(f"{step.value}_restarts") or 0)


def _restarted(run: PullRun, state: State, step: Step, what: str, error: PullError) -> Advance:
    """``step`` kicked off again after the previous payer forgot ``what``, or the pull fails."""
    again = restart(step, _generation(state, step), what)
    status = error.status or 404
    if again is None:
        raise PullError("job_forgotten", f"the previous payer forgot the {step.value} {what} again after it was "
                        f"asked anew (HTTP {status}); start a new pull with a new --transfer-id", status)  # fmt: skip
    event = pull_audit.restarted(run.pull_id, run.partner.partner_id, run.holder, run.correlation_id, again, status)
    stage = Stage.NEW if step is Step.MATCH else Stage.MATCHED
    changes = {**CLEARED_BY[step], "stage": stage, again.key_name: again.generation}
    return Advance(changes, event, tuple(state.get("downloaded") or ()))


def _kick_off_match(run: PullRun, state: State) -> Advance:
    body = {"resourceType": "Parameters", "parameter": run.bundles}
    key = kick_off_key(run.pull_id, Step.MATCH, _generation(state, Step.MATCH))
    url = calls.kick_off(run.http, run.partner, "/Group/$bulk-member-match", key=key, json=body)
    return Advance({"stage": Stage.MATCHING, "match_url": url})


def _collect_match(run: PullRun, state: State) -> Advance:
    try:
        result = calls.wait(run.http, run.partner, state["match_url"], run.deadline_s).json()
    except JobForgotten as exc:
        return _restarted(run, state, Step.MATCH, "job", exc)
    groups = {p.get("name"): p.get("resource") or {} for p in result.get("parameter", [])}
    matched = groups.get("MatchedMembers")
    if not matched:
        raise PullError("no_matched_group", "the answer has no MatchedMembers Group")
    members = calls.member_map(matched)
    counts = {"matched": len(members), "not_matched": len(run.bundles) - len(members)}
    done = Stage.MATCHED if members else Stage.COMPLETED
    return Advance({"stage": done, "group_id": str(matched.get("id", "")), "members_json": json.dumps(members),
                    "counts_json": json.dumps(counts)})  # fmt: skip


def _kick_off_export(run: PullRun, state: State) -> Advance:
    params = {"exportType": "hl7.fhir.us.davinci-pdex#payertopayer", **run.export_query}
    key = kick_off_key(run.pull_id, Step.EXPORT, _generation(state, Step.EXPORT))
    try:
        url = calls.kick_off(run.http, run.partner, f"/Group/{state['group_id']}/$davinci-data-export", key=key,
                       params=params)  # fmt: skip
    except PullError as exc:
        if exc.status is None or not forgotten(exc.status):
            raise
        return _restarted(run, state, Step.MATCH, "group", exc)  # the matched Group is gone: match again
    return Advance({"stage": Stage.EXPORTING, "export_url": url})


def _collect_manifest(run: PullRun, state: State) -> Advance:
    try:
        manifest = calls.wait(run.http, run.partner, state["export_url"], run.deadline_s).json()
    except JobForgotten as exc:
        return _restarted(run, state, Step.EXPORT, "job", exc)
    counts = {**json.loads(state["counts_json"]), "files": len(manifest.get("output", [])),
              "refused_members": sum(int(e.get("count", 0)) for e in manifest.get("error", []))}  # fmt: skip
    return Advance({"stage": Stage.DOWNLOADING, "manifest_json": json.dumps(manifest),
                    "counts_json": json.dumps(counts)})  # fmt: skip


def _download(run: PullRun, state: State) -> Advance:
    manifest = json.loads(state["manifest_json"])
    downloaded = list(state.get("downloaded") or [])
    for entry in [*manifest.get("output", []), *manifest.get("error", [])]:
        name = entry["url"].rsplit("/", 1)[-1]
        if name in downloaded and (run.folder / name).is_file():
            continue
        try:
            content = calls.fetch_verified(run.http, run.partner, entry)
        except JobForgotten as exc:
            return _restarted(run, {**state, "downloaded": downloaded}, Step.EXPORT, "files", exc)
        write_named(run.folder, name, content)
        downloaded.append(name)
        save(run, {"downloaded": downloaded})
        run.stopped_after("file")
    return Advance({"stage": Stage.INGESTING})


def _ingest(run: PullRun, state: State) -> Advance:
    manifest, report = json.loads(state["manifest_json"]), PullReport()
    contents = [(run.folder / e["url"].rsplit("/", 1)[-1]).read_bytes() for e in manifest.get("output", [])]
    grouped = calls.by_member(contents, json.loads(state["members_json"]), report)
    done = {row["member_key"] for row in run.store.read("bulk/pull_members_ingested", {"pull_id": run.pull_id})}
    for member_key, resources in sorted(grouped.items()):
        if member_key in done:
            continue
        files = write_received(run.data_dir, run.partner.partner_id, resources)
        fence = {"pull_id": run.pull_id, "token": run.held.token, "member_key": member_key}

        def work(tx: TxRunner, files: Any = files, fence: dict[str, str] = fence) -> int:
            if not tx.run("bulk/record_pull_member", fence):  # first: the pull stays locked to the commit
                raise LeaseLost(run.pull_id)
            return ingest_in(tx, files, run.pull_id, fence["member_key"], run.partner.partner_id, run.correlation_id)

        run.newly_ingested += run.store.in_write_transaction(work)
        run.stopped_after("member")
    counts = {**json.loads(state["counts_json"]), "resources": report.resources, "unattributed": report.unattributed}
    return Advance({"stage": Stage.COMPLETED, "counts_json": json.dumps(counts)})


STEPS: dict[Stage, Callable[[PullRun, State], Advance]] = {
    Stage.NEW: _kick_off_match, Stage.MATCHING: _collect_match, Stage.MATCHED: _kick_off_export,
    Stage.EXPORTING: _collect_manifest, Stage.DOWNLOADING: _download, Stage.INGESTING: _ingest,
}  # fmt: skip
