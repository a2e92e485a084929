"""Concurrency: N truly simultaneous submissions of one transfer request (half with one shared
Idempotency-Key, half each with a new key) give exactly one transfer, and every answer
(after retrying a 409 "same key still in flight") points to it."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

from exchange.domain.transfer_rules import Intent
from p2p.bootstrap import graph_store
from p2p.pair_traffic import Answer, submit_answer
from p2p.payer_pair import A, B

from .context import Suite
from .verdicts import Result, concurrency_verdict


def run(suite: Suite, submissions: int) -> list[Result]:
    body = suite.take(1)[0]
    shared = uuid.uuid4().hex
    keys = [shared if i % 2 == 0 else uuid.uuid4().hex for i in range(submissions)]
    suite.smart.auth_headers()  # the token is fetched before the start line, not in the race
    gate = threading.Barrier(submissions)
    url = suite.pair.url(suite.pair.b)

    def send(key: str) -> Answer:
        gate.wait()  # all threads are released together
        return submit_answer(url, suite.smart, body, key)

    with (
        suite.console.status(f"{submissions} simultaneous submissions of one request"),
        ThreadPoolExecutor(submissions) as pool,
    ):
        answers = list(pool.map(send, keys))
    intent = Intent(A, B, body["member_key"], body["source_request_id"])
    with graph_store(suite.pair.b) as store:
        transfers = len(store.read("transfers/transfer_by_intent", {"intent_key": intent.key}))
    same = keys.count(shared)
    tried = (f"{submissions} threads released by one barrier POST /transfers with the same body: "
             f"{same} with one Idempotency-Key, {submissions - same} with new keys")  # fmt: skip
    return [concurrency_verdict([(a.kind, a.transfer_id, a.first_status) for a in answers], transfers, tried)]
