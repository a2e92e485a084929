"""Scale-out: three API processes and two worker processes of payer B against one Neo4j share the
work: submissions land on any replica (and a retry on another replica finds the first
transfer), both workers run steps, every transfer completes, and the previous payer decides
each member exactly once."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import httpx
import pytest

from graph.store import GraphStore
from matching.linkage import jobs
from p2p.payer_pair import spawn, wait_until_up
from p2p.ports import free_port
from p2p.settings import Settings
from tests.e2e.transfers.test_transfer_workflow import decisions_at_a, view
from tests.support.partners import bearer
from tests.support.two_payers import PEOPLE, TwoPayers, two_payers

pytestmark = pytest.mark.integration


@contextmanager
def processes(t: TwoPayers, apis: int, workers: int) -> Iterator[list[str]]:
    """``apis`` more API processes of payer B (their URLs) and ``workers`` worker processes."""
    with ExitStack() as stack:
        urls, procs = [], []
        for _ in range(apis):
            port = free_port()
            procs.append(spawn(t.b.model_copy(update={"api_port": port}), "serve"))
            urls.append(f"http://127.0.0.1:{port}")
        fast = t.b.model_copy(update={"transfer_worker_concurrency": 2, "transfer_poll_s": 0.05})
        procs += [spawn(fast, "worker", "--name", f"replica-worker-{i}") for i in range(workers)]
        stack.callback(lambda: [p.kill() for p in procs])
        for url in urls:
            wait_until_up(url)
        yield urls


def test_three_api_replicas_and_two_workers_share_the_work_with_no_duplicates(
    graphs: tuple[GraphStore, GraphStore], settings_a: Settings, settings_b: Settings, trained_model: jobs.TrainResult
) -> None:
    with two_payers(settings_a, settings_b, *graphs, trained_model) as t, processes(t, apis=3, workers=2) as urls:
        people = PEOPLE[:6]
        ids = []
        for i, person in enumerate(people):
            body = t.transfer_request(person, f"ENR-SCALE-{person.key}")
            sent = {**bearer(t.enrollment_token), "Idempotency-Key": uuid.uuid4().hex}
            first = httpx.post(f"{urls[i % 3]}/transfers", json=body, headers=sent, timeout=30)
            assert first.status_code == 201, first.text
            again = {**bearer(t.enrollment_token), "Idempotency-Key": uuid.uuid4().hex}
            retry = httpx.post(f"{urls[(i + 1) % 3]}/transfers", json=body, headers=again, timeout=30)
            assert retry.status_code == 200 and retry.json()["transfer_id"] == first.json()["transfer_id"]
            ids.append(first.json()["transfer_id"])

        deadline = time.monotonic() + 120
        while any(view(t, i)["state"] != "completed" for i in ids):
            assert time.monotonic() < deadline, [(i, view(t, i)["state"]) for i in ids]
            time.sleep(0.5)

        workers = {a["worker"] for i in ids for a in view(t, i)["attempts"]}
        assert workers == {"replica-worker-0", "replica-worker-1"}  # both took a share
        assert decisions_at_a(t) == len(people)  # nothing was decided twice at the previous payer
