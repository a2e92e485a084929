"""The end of a run load: the run is marked complete and its audit event appended, in one transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING

from audit.domain.context import new_correlation_id
from audit.domain.events import EventDraft, Outcome
from audit.ledger import append
from graph.store import GraphStore, TxRunner

if TYPE_CHECKING:
    from graph.run_rows import LoadReport

LOADER = "service:loader"


def finish_run(store: GraphStore, model_version: str, report: LoadReport) -> None:
    """Mark the run complete and record one ``graph.load_run`` event with its model version and
    counts; when two loads of one run race, only the one that completes it records the event."""
    counts = {
        "records": report.records, "links_created": report.links_created, "transitions": report.transitions,
        "kept": report.kept, "members": report.members, "members_changed": report.members_changed,
    }  # fmt: skip
    draft = EventDraft(
        actor=LOADER, actor_role="loader", action="graph.load_run", resource_type="MatchRun",
        resource_id=report.run_id, outcome=Outcome.SUCCESS, reason_code="RUN_LOADED",
        correlation_id=new_correlation_id(), details={"model_version": model_version, **counts},
    )  # fmt: skip

    def work(tx: TxRunner) -> None:
        done = tx.run("identity/run_finish", {
            "run_id": report.run_id, "links_created": report.links_created, "transitions": report.transitions,
            "members": report.members,
        })  # fmt: skip
        if done and done[0]["completed"]:  # a concurrent load of the same run finished first: it has the event
            append(tx, draft)

    store.in_write_transaction(work)
