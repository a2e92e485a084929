"""The new payer's bulk pull is a durable job: stopped right after its file was downloaded, and
again after its first member was ingested, then run again with the same id, it finishes where it
stopped: the previous payer saw one match and one export, the file was downloaded once, and each
member's data was ingested (and audited) once."""

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
from tests.support.bulk_http import BULK_SCOPES, our_bundles
from tests.support.two_payers import PEOPLE, TwoPayers

pytestmark = pytest.mark.integration


def events(store: Any, action: str, **criteria: str) -> list[dict[str, Any]]:
    return [e for e in search_events(store, Criteria(**criteria), limit=500).events if e["action"] == action]


def test_a_pull_stopped_midway_resumes_where_it_stopped_and_ingests_each_member_once(payers: TwoPayers) -> None:
    at_a = endpoint(payers.store_b, "payer-a")
    ours, bundles = our_bundles(payers, PEOPLE[:3])
    downloads: list[str] = []

    def count(request: httpx.Request) -> None:
        if "/bulk-files/" in request.url.path:
            downloads.append(request.url.path)

    with httpx.Client(timeout=30, event_hooks={"request": [count]}) as http:
        smart = SmartClient(http, load_signing_key(payers.b), token_url=at_a.token_url, client_id=at_a.client_id,
                            scope=BULK_SCOPES)  # fmt: skip
        partner = Partner("payer-a", at_a.fhir_base_url, smart.token)

        def run(stop: Any = lambda _step: None) -> Any:
            return run_pull(PullRun(payers.store_b, payers.b.data_dir, http, partner, "bulk-R1", "corr-resume",
                                    bundles, stopped_after=stop))  # fmt: skip

        for step in ("file", "member"):
            with pytest.raises(Crash):
                run(crash_at(step))
        ingested_before_last = sum(len(received_for(payers.store_b, k)) for k in ours.values())
        report = run()
        again = run()

    assert ingested_before_last == 1  # the second run stopped after its first member
    assert (report.matched, report.not_matched, report.files) == (3, 0, 1)  # one Encounter file for all three
    assert report.ingested_files == 2 and again.ingested_files == 0 and again.resources == report.resources
    assert len(downloads) == 1  # the first run stopped right after downloading it: not downloaded again
    assert len(events(payers.store_a, "bulk_match.complete", partner_id="payer-b")) == 1
    assert len({e["case_id"] for e in events(payers.store_a, "bulk_export.file", partner_id="payer-b")}) == 1
    for key in ours.values():
        rows = received_for(payers.store_b, key)
        assert [r["provenance"] for r in rows] == ["received from payer payer-a in transfer bulk-R1"]
        assert len(events(payers.store_b, "member_data.ingest", member_key=key)) == 1
