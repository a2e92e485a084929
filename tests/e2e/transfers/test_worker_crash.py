"""A real `p2p worker` process killed with SIGKILL while its call to the previous payer is in
flight: its lease expires, another worker re-runs the step with the same idempotency key, the
previous payer replays its answer, and the transfer completes with one identity decision."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from graph.store import GraphStore
from matching.linkage import jobs
from p2p.settings import Settings, as_environment
from tests.e2e.transfers.test_transfer_workflow import decisions_at_a, run_until_finished, submit, view
from tests.support.two_payers import PEOPLE, two_payers

pytestmark = pytest.mark.integration


def test_a_worker_killed_mid_call_is_replaced_after_its_lease_and_nothing_happens_twice(
    graphs: tuple[GraphStore, GraphStore], settings_a: Settings, settings_b: Settings, trained_model: jobs.TrainResult
) -> None:
    slow = {"faults": "slow=1.0", "faults_slow_s": 2.0}  # every answer of A arrives 2 s after A has acted
    with two_payers(settings_a, settings_b, *graphs, trained_model, a_overrides=slow) as t:
        transfer_id = submit(t, t.transfer_request(PEOPLE[2], "ENR-CRASH")).json()["transfer_id"]
        doomed_settings = t.b.model_copy(update={"transfer_lease_s": 3.0, "transfer_poll_s": 0.05,
                                                 "outbound_timeout_s": 10.0})  # fmt: skip
        env = {**os.environ, **as_environment(doomed_settings)}
        doomed = subprocess.Popen([sys.executable, "-m", "p2p", "worker", "--name", "doomed"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        try:
            deadline = time.monotonic() + 90
            while decisions_at_a(t) == 0:  # A has decided; its answer is still on the way
                assert time.monotonic() < deadline, "the worker never reached the previous payer"
                assert doomed.poll() is None, "the worker exited by itself"
                time.sleep(0.05)
        finally:
            os.kill(doomed.pid, signal.SIGKILL)
            doomed.wait(timeout=10)
        stuck = view(t, transfer_id)
        assert stuck["state"] == "identity_pending" and stuck["attempts"] == []
        time.sleep(3.1)  # the dead worker's lease expires
        run_until_finished(t, [transfer_id], timeout_s=90, outbound_timeout_s=10.0)
        done = view(t, transfer_id)
        assert done["state"] == "completed"
        assert (done["attempts"][0]["step"], done["attempts"][0]["replayed"]) == ("member_match", True)
        assert decisions_at_a(t) == 1
