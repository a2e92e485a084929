"""The previous payer forgets the jobs of a bulk pull while it is stopped, over real HTTP between
the two payers: the pull stopped while A ran its match, A cancelled that match (its status URL
answers 404); resumed, the pull asked for a new match under a new key and stopped once it had the
export's manifest; A then cancelled the export, deleting its files; resumed again, the pull asked
for a new export under a new key and finished. Each member's data was ingested (and audited) once,
and both restarts are in the audit ledger."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from audit.search import Criteria
from audit.service import search_events
from exchange.bulk.pull import Partner
from exchange.bulk.pull_job import PullRun, run_pull
from exchange.member_data.ingest import received_for
from exchange.transfers.partners import endpoint
from security.client import SmartClient
from security.keys import load_signing_key
from tests.support.bulk import Crash, crash_at
from tests.support.bulk_http import BULK_SCOPES, b_bearer_at_a, our_bundles
from tests.support.two_payers import PEOPLE, TwoPayers

pytestmark = pytest.mark.integration
PULL = "bulk-F1"


def test_a_pull_resumed_after_the_previous_payer_forgot_its_jobs_asks_again_and_ingests_once(
    payers: TwoPayers,
) -> None:
    at_a = endpoint(payers.store_b, "payer-a")
    ours, bundles = our_bundles(payers, PEOPLE[:3])
    kick_offs: list[tuple[str | None, str]] = []  # (Idempotency-Key, status URL) of each kick-off

    def record(response: httpx.Response) -> None:
        if response.request.method == "POST" and response.status_code == 202:
            kick_offs.append((response.request.headers.get("Idempotency-Key"), response.headers["Content-Location"]))

    with httpx.Client(timeout=30, event_hooks={"response": [record]}) as http:
        smart = SmartClient(http, load_signing_key(payers.b), token_url=at_a.token_url, client_id=at_a.client_id,
                            scope=BULK_SCOPES)  # fmt: skip
        partner = Partner("payer-a", at_a.fhir_base_url, smart.token)

        def run(stop: Any = lambda _step: None) -> Any:
            return run_pull(PullRun(payers.store_b, payers.b.data_dir, http, partner, PULL, "corr-forgotten",
                                    bundles, stopped_after=stop))  # fmt: skip

        with httpx.Client(base_url=payers.url_a, timeout=30) as http_a:
            auth = b_bearer_at_a(payers, http_a)
            with pytest.raises(Crash):
                run(crash_at("matching"))
            assert http_a.delete(kick_offs[-1][1], headers=auth).status_code == 202  # A forgets the match
            with pytest.raises(Crash):
                run(crash_at("downloading"))  # a new match, an export, its manifest; no file yet
            assert http_a.delete(kick_offs[-1][1], headers=auth).status_code == 202  # A forgets the export
            assert http_a.get(kick_offs[-1][1], headers=auth).status_code == 404
        report = run()

    assert [key for key, _ in kick_offs] == [f"{PULL}-match", f"{PULL}-match.r1", f"{PULL}-export",
                                             f"{PULL}-export.r1"]  # fmt: skip
    assert (report.matched, report.not_matched, report.files) == (3, 0, 1)
    events = search_events(payers.store_b, Criteria(transfer_id=PULL), limit=500).events
    restarts = [(e["reason_code"], e["details"]["status_code"]) for e in events if e["action"] == "bulk_pull.restart"]
    assert restarts == [("MATCH_JOB_FORGOTTEN", 404), ("EXPORT_FILES_FORGOTTEN", 404)]
    for key in ours.values():
        rows = received_for(payers.store_b, key)
        assert [r["provenance"] for r in rows] == [f"received from payer payer-a in transfer {PULL}"]
        assert len([e for e in search_events(payers.store_b, Criteria(member_key=key), limit=100).events
                    if e["action"] == "member_data.ingest"]) == 1  # fmt: skip
    kept = sorted(p.name for p in (payers.b.data_dir / "bulk" / "pulls" / PULL).glob("*.ndjson"))
    assert len(kept) == report.files
