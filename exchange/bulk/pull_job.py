"""The new payer's bulk pull as a durable job: each step's outcome (``pull_steps``) is recorded in its
``(:BulkPull)`` before the next step starts, so a pull stopped anywhere (a crash, a lost connection)
and run again with the same id resumes where it stopped.

One process at a time: a run first claims the pull's lease (``pull_lease``) and holds it, renewed,
until it ends; a second run meanwhile is refused with ``PullBusy`` (holder and expiry named) and
changes nothing. A run whose process died leaves a lease that expires, after which the next run
takes the pull over. Every write is fenced by the lease."""

from __future__ import annotations

import json
import re

from exchange.bulk.pull import PullError, PullReport
from exchange.bulk.pull_lease import claim, held
from exchange.bulk.pull_state import PullRun, Stage, State, save
from exchange.bulk.pull_steps import STEPS
from p2p.logs import correlation

__all__ = ["PullRun", "Stage", "run_pull"]

PULL_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")  # names a folder, so a plain token
COUNTS = ("matched", "not_matched", "files", "refused_members", "resources", "unattributed")


def _drive(run: PullRun, state: State) -> State:
    while state["stage"] != Stage.COMPLETED:
        advance = STEPS[Stage(state["stage"])](run, state)
        save(run, advance.changes, advance.event)
        for name in advance.discard:  # the files of a forgotten export, once it is recorded as forgotten
            (run.folder / name).unlink(missing_ok=True)
        state = {**state, **advance.changes}
        run.stopped_after(state["stage"])
    return state


def run_pull(run: PullRun) -> PullReport:
    """Run (or resume) the pull to its end; ``ingested_files`` counts what this run recorded.
    ``PullBusy`` when another process is running it."""
    if not PULL_ID.match(run.pull_id):
        raise PullError("bad_pull_id", "a pull id is 1 to 64 letters, digits, '.', '_' or '-'")
    with correlation(run.correlation_id):  # on every log line of the run, its lease's heartbeat's too
        state, lease = claim(run.store, run.pull_id, run.partner.partner_id, run.holder, run.lease_length, run.now,
                             run.correlation_id)  # fmt: skip
        run.lease = lease
        try:
            with held(lease):
                state = _drive(run, state)
        finally:
            run.lease = None
    counts = json.loads(state.get("counts_json") or "{}")
    report = PullReport(ingested_files=run.newly_ingested, group_id=state.get("group_id") or "",
                        members=json.loads(state.get("members_json") or "{}"))  # fmt: skip
    for name in COUNTS:
        setattr(report, name, int(counts.get(name, 0)))
    return report
