"""Traffic between the two payers: B's enrollment system asks for its new members' histories.

The requests are the generator's switches from A to B whose opt-in holds today, newest
first; each is submitted to B's ``POST /transfers`` with an Idempotency-Key and retried with
that key until answered, and a share is submitted twice (the same key again, or a new key
for the same business intent), as real enrollment systems do.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime
from random import Random
from typing import Any

import httpx
import pyarrow.parquet as pq
from neo4j.exceptions import DriverError

from exchange.domain.transfer import Owner
from p2p.bootstrap import graph_store
from p2p.payer_pair import A, B, Enrollment, PayerPair
from security.client import SmartClient
from synthetic.switch_requests import transfer_request

TRANSIENT = (409, 429, 502, 503, 504)  # 409: the same key is still being answered


def transfer_requests(pair: PayerPair, limit: int, previous: str = A) -> list[dict[str, Any]]:
    """Up to ``limit`` transfer requests from B's enrollment system for members who came from
    ``previous``, newest switches first."""
    today = date.today()  # the enrollment system asks while the member's opt-in holds
    switches = [s for s in pq.read_table(pair.population / "switches.parquet").to_pylist()
                if s["old_payer_id"] == previous and s["new_payer_id"] == B and s["consent_opt_in"]
                and s["consent_start"] <= today <= s["consent_end"]]  # fmt: skip
    switches.sort(key=lambda s: (s["switch_date"], s["switch_id"]), reverse=True)
    with graph_store(pair.b) as store:
        ids = [s["new_record_id"] for s in switches]
        member = {r["record_id"]: r["member_key"] for r in store.read("identity/current_members", {"record_ids": ids})}
    bodies = [transfer_request(s, member[s["new_record_id"]]) for s in switches if s["new_record_id"] in member]
    return [b for b in bodies if b is not None][:limit]


def enrollment_client(pair: PayerPair, enrollment: Enrollment, http: httpx.Client) -> SmartClient:
    return SmartClient(http, enrollment.key, token_url=f"{pair.url(pair.b)}/auth/token",
                       client_id=enrollment.client_id, scope="system/Transfer.write")  # fmt: skip


@dataclass(frozen=True)
class Answer:
    """How one submission ended: its kind (``created``, ``replayed`` with the same key, ``existing``
    for the same intent under a new key, another status code, or ``gave up``), the transfer its
    answer points to, and the first status it got."""

    kind: str
    transfer_id: str | None
    first_status: str


def submit_answer(base_url: str, smart: SmartClient, body: dict[str, Any], key: str) -> Answer:
    """POST one transfer request with ``key``, retrying transient answers with that key until answered."""
    first = ""
    with httpx.Client(base_url=base_url, timeout=30) as http:
        for attempt in range(60):
            try:
                r = http.post("/transfers", json=body, headers={**smart.auth_headers(), "Idempotency-Key": key})
            except httpx.HTTPError as exc:
                first = first or type(exc).__name__
                time.sleep(min(0.2 * 2**attempt, 3))
                continue
            first = first or str(r.status_code)
            if r.status_code in TRANSIENT:
                time.sleep(min(0.2 * 2**attempt, 3))
                continue
            location = r.headers.get("Location", "")
            transfer_id = location.rsplit("/", 1)[-1] if location.startswith("/transfers/") else None
            if r.headers.get("Idempotent-Replayed") == "true":
                return Answer("replayed", transfer_id, first)
            if r.headers.get("X-Existing-Transfer"):
                return Answer("existing", transfer_id, first)
            return Answer("created" if r.status_code == 201 else str(r.status_code), transfer_id, first)
    return Answer("gave up", None, first)


def submit_all(
    pair: PayerPair, smart: SmartClient, bodies: list[dict[str, Any]], duplicates: float, rng: Random,
    progress: Callable[[], None] = lambda: None,
) -> Counter[str]:  # fmt: skip
    """Each body once, plus ``duplicates`` of them again (half with the same key, half with a
    new one), shuffled, eight at a time. Returns how many submissions ended as each ``Answer.kind``."""
    plan = [(b, uuid.uuid4().hex) for b in bodies]
    extra = [(b, k if rng.random() < 0.5 else uuid.uuid4().hex) for b, k in plan if rng.random() < duplicates]
    items = plan + extra
    rng.shuffle(items)
    answers: Counter[str] = Counter()
    lock = threading.Lock()

    def send(item: tuple[dict[str, Any], str]) -> None:
        answer = submit_answer(pair.url(pair.b), smart, *item)
        with lock:
            answers[answer.kind] += 1
        progress()

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(send, items))
    return answers


def service_busy(pair: PayerPair) -> int:
    """Transfers at B that are still the service's to move (not finished, not with a person)."""
    now = datetime.now().astimezone().isoformat()
    with graph_store(pair.b) as store:
        row = store.read("transfers/state_counts", {"now": now})[0]
    return sum(s["transfers"] for s in row["states"] if s["owner"] == Owner.SERVICE.value)


def settle(pair: PayerPair, timeout_s: float, progress: Callable[[int], None] = lambda _busy: None) -> float:
    """Wait until no transfer is the service's to move (or the timeout); returns when."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            busy = service_busy(pair)
        except DriverError:  # B's Neo4j may be restarting (the reliability suite kills it)
            busy = -1
        progress(busy)
        if busy == 0:
            break
        time.sleep(1.0)
    return time.monotonic()
