"""The new payer's bulk pull as a durable job: each step's outcome is recorded in its
``(:BulkPull)`` before the next step starts, so a pull stopped anywhere (a crash, a lost
connection) and run again with the same id resumes where it stopped:

``new`` → kick off the match (with an ``Idempotency-Key`` derived from the pull id, so a kick-off
whose answer was lost names the same job again) → ``matching`` (its status URL kept) → the result:
the matched Group and our member for each of theirs → ``matched`` → kick off the export (same key
rule) → ``exporting`` (its status URL kept) → the manifest → ``downloading`` (each file verified
against its hash, written atomically under ``<data_dir>/bulk/pulls/<pull id>/`` and recorded
before the next) → ``ingesting`` (each member's data recorded with a ``(:BulkPullMember)`` in the
same transaction, so each member is ingested once) → ``completed``.

Not handled: two processes running the same pull at once (run one pull id from one place), and a
previous payer that forgot a status URL before we resumed (the pull fails; start a new one)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import httpx

from exchange.bulk.files import write_named
from exchange.bulk.pull import Partner, PullError, PullReport, by_member, fetch_verified, kick_off, member_map, wait
from exchange.member_data.ingest import ingest_in, write_received
from graph.store import GraphStore, TxRunner

PULL_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")  # names a folder, so a plain token
COUNTS = ("matched", "not_matched", "files", "refused_members", "resources", "unattributed")


class Stage(StrEnum):
    NEW = "new"
    MATCHING = "matching"
    MATCHED = "matched"
    EXPORTING = "exporting"
    DOWNLOADING = "downloading"
    INGESTING = "ingesting"
    COMPLETED = "completed"


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

    @property
    def folder(self) -> Path:
        return self.data_dir / "bulk" / "pulls" / self.pull_id


State = dict[str, Any]


def _kick_off_match(run: PullRun, _state: State) -> State:
    body = {"resourceType": "Parameters", "parameter": run.bundles}
    url = kick_off(run.http, run.partner, "/Group/$bulk-member-match", key=f"{run.pull_id}-match", json=body)
    return {"stage": Stage.MATCHING, "match_url": url}


def _collect_match(run: PullRun, _state: State) -> State:
    result = wait(run.http, run.partner, _state["match_url"], run.deadline_s).json()
    groups = {p.get("name"): p.get("resource") or {} for p in result.get("parameter", [])}
    matched = groups.get("MatchedMembers")
    if not matched:
        raise PullError("no_matched_group", "the answer has no MatchedMembers Group")
    members = member_map(matched)
    counts = {"matched": len(members), "not_matched": len(run.bundles) - len(members)}
    done = Stage.MATCHED if members else Stage.COMPLETED
    return {"stage": done, "group_id": str(matched.get("id", "")), "members_json": json.dumps(members),
            "counts_json": json.dumps(counts)}  # fmt: skip


def _kick_off_export(run: PullRun, state: State) -> State:
    params = {"exportType": "hl7.fhir.us.davinci-pdex#payertopayer", **run.export_query}
    path = f"/Group/{state['group_id']}/$davinci-data-export"
    return {"stage": Stage.EXPORTING, "export_url": kick_off(run.http, run.partner, path, key=f"{run.pull_id}-export",
                                                             params=params)}  # fmt: skip


def _collect_manifest(run: PullRun, state: State) -> State:
    manifest = wait(run.http, run.partner, state["export_url"], run.deadline_s).json()
    counts = {**json.loads(state["counts_json"]), "files": len(manifest.get("output", [])),
              "refused_members": sum(int(e.get("count", 0)) for e in manifest.get("error", []))}  # fmt: skip
    return {"stage": Stage.DOWNLOADING, "manifest_json": json.dumps(manifest), "counts_json": json.dumps(counts)}


def _download(run: PullRun, state: State) -> State:
    manifest = json.loads(state["manifest_json"])
    downloaded = list(state.get("downloaded") or [])
    for entry in [*manifest.get("output", []), *manifest.get("error", [])]:
        name = entry["url"].rsplit("/", 1)[-1]
        if name in downloaded and (run.folder / name).is_file():
            continue
        write_named(run.folder, name, fetch_verified(run.http, run.partner, entry))
        downloaded.append(name)
        _save(run, {"downloaded": downloaded})
        run.stopped_after("file")
    return {"stage": Stage.INGESTING}


def _ingest(run: PullRun, state: State) -> State:
    manifest, report = json.loads(state["manifest_json"]), PullReport()
    contents = [(run.folder / e["url"].rsplit("/", 1)[-1]).read_bytes() for e in manifest.get("output", [])]
    grouped = by_member(contents, json.loads(state["members_json"]), report)
    done = {row["member_key"] for row in run.store.read("bulk/pull_members_ingested", {"pull_id": run.pull_id})}
    for member_key, resources in sorted(grouped.items()):
        if member_key in done:
            continue
        files = write_received(run.data_dir, run.partner.partner_id, resources)

        def work(tx: TxRunner, files: Any = files, member_key: str = member_key) -> int:
            created = ingest_in(tx, files, run.pull_id, member_key, run.partner.partner_id, run.correlation_id)
            tx.run("bulk/record_pull_member", {"pull_id": run.pull_id, "member_key": member_key})
            return created

        run.newly_ingested += run.store.in_write_transaction(work)
        run.stopped_after("member")
    counts = {**json.loads(state["counts_json"]), "resources": report.resources, "unattributed": report.unattributed}
    return {"stage": Stage.COMPLETED, "counts_json": json.dumps(counts)}


STEPS: dict[Stage, Callable[[PullRun, State], State]] = {
    Stage.NEW: _kick_off_match, Stage.MATCHING: _collect_match, Stage.MATCHED: _kick_off_export,
    Stage.EXPORTING: _collect_manifest, Stage.DOWNLOADING: _download, Stage.INGESTING: _ingest,
}  # fmt: skip


def _save(run: PullRun, changes: State) -> None:
    plain = {name: str(value) if isinstance(value, Stage) else value for name, value in changes.items()}
    run.store.write("bulk/save_pull", {"pull_id": run.pull_id, "changes": plain})


def run_pull(run: PullRun) -> PullReport:
    """Run (or resume) the pull to its end; ``ingested_files`` counts what this run recorded."""
    if not PULL_ID.match(run.pull_id):
        raise PullError("bad_pull_id", "a pull id is 1 to 64 letters, digits, '.', '_' or '-'")
    rows = run.store.write("bulk/start_pull", {"pull_id": run.pull_id, "partner_id": run.partner.partner_id})
    state: State = rows[0]["pull"]
    if state["partner_id"] != run.partner.partner_id:
        raise PullError("pull_of_another_partner", f"pull {run.pull_id} is a pull from {state['partner_id']}")
    while state["stage"] != Stage.COMPLETED:
        changes = STEPS[Stage(state["stage"])](run, state)
        _save(run, changes)
        state = {**state, **changes}
        run.stopped_after(state["stage"])
    counts = json.loads(state.get("counts_json") or "{}")
    report = PullReport(ingested_files=run.newly_ingested, group_id=state.get("group_id") or "",
                        members=json.loads(state.get("members_json") or "{}"))  # fmt: skip
    for name in COUNTS:
        setattr(report, name, int(counts.get(name, 0)))
    return report
