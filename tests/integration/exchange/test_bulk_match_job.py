"""A $bulk-member-match job against the real graph of a generated population: each member
decided exactly as the single $member-match decides (same outcomes, recorded decisions), and
a job whose runner dies mid-way resumed by another runner after the last batch it kept."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from audit import clock
from audit.domain.context import body_sha256
from audit.search import Criteria
from audit.service import search_events
from exchange.bulk import jobs, service
from exchange.bulk.config import BulkConfig
from exchange.bulk.match_job import MatchJob, run_match
from exchange.bulk.member_bundles import parse_bulk
from exchange.bulk.pull_flow import as_member_bundle
from exchange.bulk.runner import Runner
from exchange.member_match.request import parse
from exchange.member_match.result import Requester
from exchange.member_match.service import MatchContext, member_match
from graph.store import GraphStore
from matching.linkage import jobs as matching_jobs
from p2p.settings import Settings
from synthetic.switch_requests import payer_identifier, switch_request
from tests.integration.exchange.conftest import PAYER, context

pytestmark = pytest.mark.integration


def requests_of(switches: list[dict[str, Any]], partner: str, n: int) -> list[dict[str, Any]]:
    bodies = [switch_request(s) for s in switches if s["new_payer_id"] == partner and s["new_dob"]]
    return [b for b in bodies if any(p["name"] == "Consent" for p in b["parameter"])][:n]  # PDex: Consent 1..1


def requester(partner: str) -> Requester:
    return Requester(partner, f"client-{partner}", f"partner:{partner}", (payer_identifier(partner),))


def bulk_body(singles: list[dict[str, Any]]) -> dict[str, Any]:
    return {"resourceType": "Parameters",
            "parameter": [as_member_bundle(json.loads(json.dumps(b)), f"m{i}") for i, b in enumerate(singles)]}  # fmt: skip


def cfg(tmp_path: Path) -> BulkConfig:
    return BulkConfig(tmp_path, tmp_path / "none", "https://a.example/fhir", PAYER, "Payer A", (), "1.1.0",
                      batch=3, parallel=1, lease=timedelta(0))  # fmt: skip


def decisions(store: GraphStore, partner: str) -> int:
    events = search_events(store, Criteria(partner_id=partner), limit=1000).events
    return sum(1 for e in events if e["action"] == "member_match.decide")


def submit(store: GraphStore, config: BulkConfig, body: dict[str, Any], partner: str) -> str:
    bundles = parse_bulk(body, "1.1.0")
    return service.submit_match(store, config, body, bundles, requester(partner), partner, "corr-bulk-1", clock.now())


@pytest.fixture
def ctx(loaded: GraphStore, settings: Settings, trained_model: matching_jobs.TrainResult) -> MatchContext:
    return context(settings, loaded, trained_model)


def test_each_member_gets_the_answer_the_single_member_match_gives(
    loaded: GraphStore, ctx: MatchContext, switches: list[dict[str, Any]], tmp_path: Path
) -> None:
    partner = "payer-b"
    singles = requests_of(switches, partner, 12)
    single = Counter(member_match(ctx, parse(b, "1.1.0"), requester(partner), "corr-single", body_sha256(b)).member_key
                     is not None for b in singles)  # fmt: skip
    config = cfg(tmp_path)
    job_id = submit(loaded, config, bulk_body(singles), partner)
    Runner(loaded, config, ctx, clock.now).drain()
    answer = service.status(loaded, config, job_id, partner)
    assert answer is not None and answer.status == 200
    groups = {p["name"]: p["resource"] for p in json.loads(answer.body)["parameter"]}
    matched = len(groups["MatchedMembers"]["member"])
    assert matched == single[True] and matched > 0
    others = sum(len(groups[n]["member"]) for n in ("NonMatchedMembers", "ConsentConstrainedMembers") if n in groups)
    assert others == single[False]
    stored = service.group_of(loaded, groups["MatchedMembers"]["id"], partner)
    assert stored is not None and stored["quantity"] == matched
    assert service.group_of(loaded, groups["MatchedMembers"]["id"], "payer-c") is None


def test_a_job_taken_over_after_its_runner_died_resumes_after_the_last_kept_batch(
    loaded: GraphStore, ctx: MatchContext, switches: list[dict[str, Any]], tmp_path: Path
) -> None:
    singles, calls = requests_of(switches, "payer-c", 7), Counter[str]()
    partner = "payer-c"

    def dies_on_the_fifth_member() -> datetime:
        calls["now"] += 1
        if calls["now"] == 5:
            raise RuntimeError("killed")
        return datetime.now(UTC)

    config = cfg(tmp_path)
    before = decisions(loaded, partner)
    job_id = submit(loaded, config, bulk_body(singles), partner)
    lease = jobs.claim(loaded, config.root, "doomed", clock.now(), config.lease)
    assert lease is not None
    with pytest.raises(RuntimeError):
        run_match(MatchJob(loaded, replace(ctx, now=dies_on_the_fifth_member), config, clock.now), lease)
    job = jobs.get(loaded, job_id)
    assert job is not None and job["status"] == "running" and job["done"] == 3  # one batch of three kept
    status = service.status(loaded, config, job_id, partner)
    assert (
        status is not None and status.status == 202 and status.headers["X-Progress"] == "running: 3/7 members decided"
    )

    Runner(loaded, config, ctx, clock.now).drain()  # the lease (0 s) has expired: another runner takes over

    # seven members, plus the two of the batch that died (3 and 5; 4 died) decided again: never a third time
    assert decisions(loaded, partner) - before == 7 + 2
    answer = service.status(loaded, config, job_id, partner)
    assert answer is not None and answer.status == 200
    assert sum(len(p["resource"]["member"]) for p in json.loads(answer.body)["parameter"]) == 7
