"""A Group export as the old payer, over real DuckDB (a generated population's histories) and
real Neo4j, run by the bulk job runner: each member's consent re-checked at export time,
the five-year look-back, #regular without sensitive resources, claims non-financial, nothing
outside the Group, files named by their hash and listed in the audit ledger, a cancelled job
stopped."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from audit import clock
from audit.search import Criteria
from audit.service import search_events
from exchange.bulk import jobs, service
from exchange.bulk.config import BulkConfig
from exchange.bulk.export_job import ExportJob, run_export
from exchange.bulk.export_request import ExportRequest
from exchange.bulk.runner import Runner
from exchange.domain import release_rules as rules
from exchange.member_match.result import Requester
from graph.store import GraphStore
from tests.support import member_data as md
from tests.support.member_data import stored_rows

pytestmark = pytest.mark.integration
TODAY = datetime.now(UTC).date()
OPEN, ENDED = (
    (TODAY - timedelta(days=7), TODAY + timedelta(days=90)),
    (TODAY - timedelta(days=400), TODAY - timedelta(days=1)),
)
load_records, record_match = md.load_records, md.record_match
B = Requester("payer-b", "client-b", "partner:payer-b", ())


@pytest.fixture(scope="module")
def fhir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return md.generated_histories(tmp_path_factory.mktemp("histories") / "pop")


@pytest.fixture(scope="module")
def chosen(fhir: Path) -> list[str]:
    """Four rich records, the first two with sensitive resources inside the five-year look-back."""
    rich = md.richest_records(fhir, 20)
    recent = [r for r in rich if expected(fhir, [r], True) - expected(fhir, [r], False)]
    rest = [r for r in rich if r not in recent[:2]]
    return [*recent[:2], *rest[:2]]


def config(tmp_path: Path, fhir: Path) -> BulkConfig:
    return BulkConfig(tmp_path / "data", fhir, "https://payer-a.example/fhir", md.PAYER, "Payer A", (), "1.1.0")


def group(store: GraphStore, members: dict[str, str], owner: str = "payer-b") -> str:
    group_id = f"g-{owner}"
    path = Path("/nonexistent")  # never read by an export
    stored = {"group_id": group_id, "owner_partner_id": owner, "code": "match", "job_id": "j", "quantity": len(members),
              "path": str(path), "created_at": datetime.now(UTC).isoformat()}  # fmt: skip
    rows = [{"member_key": key, "patient_id": f"p-{record}"} for record, key in members.items()]
    store.write("bulk/create_group", {"group": stored, "members": rows})
    return group_id


def export(store: GraphStore, cfg: BulkConfig, group_id: str, request: ExportRequest) -> dict[str, Any]:
    job_id = service.submit_export(store, cfg, group_id, request, B, "https://x/fhir/Group/g/$davinci-data-export",
                                   "corr-bulk-export-1", clock.now())  # fmt: skip
    assert job_id is not None
    Runner(store, cfg, None, clock.now).drain()
    answer = service.status(store, cfg, job_id, "payer-b")
    assert answer is not None and answer.status == 200, answer
    body: dict[str, Any] = json.loads(answer.body)
    body["job_id"] = job_id
    return body


def lines(cfg: BulkConfig, job_id: str, entries: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        content = (cfg.export_dir(job_id) / entry["url"].rsplit("/", 1)[-1]).read_bytes()
        assert entry["url"].endswith(f"{hashlib.sha256(content).hexdigest()}.ndjson")
        out.setdefault(entry["type"], []).extend(json.loads(line) for line in content.splitlines())
    return out


def expected(
    fhir: Path, record_ids: list[str], include_sensitive: bool, keys: dict[str, str] | None = None
) -> set[tuple[str, str]]:
    """(type, id) of what may go out; a Patient's id is the member key (``keys``: record -> key)."""
    since = rules.clamped_since(None, TODAY)
    keys = keys or {}
    return {
        (str(r["resource_type"]), keys.get(str(r["resource_id"]), str(r["resource_id"])))
        for r in stored_rows(fhir, record_ids)
        if (r["resource_type"] in rules.UNDATED_TYPES or r["service_date"] >= since)  # type: ignore[operator]
        and not rules.withheld(bool(r["sensitive"]), r["security_labels"], include_sensitive)  # type: ignore[arg-type]
    }


def test_an_export_releases_exactly_what_each_members_consent_allows_today(
    store: GraphStore, fhir: Path, chosen: list[str], tmp_path: Path
) -> None:
    members = load_records(store, tmp_path / "run", chosen)
    sensitive, regular, ended, outside = chosen
    record_match(store, members[sensitive], "payer-b", "sensitive", OPEN, datetime.now(UTC))
    record_match(store, members[regular], "payer-b", "regular", OPEN, datetime.now(UTC))
    record_match(store, members[ended], "payer-b", "regular", ENDED, datetime.now(UTC) - timedelta(days=2))
    record_match(store, members[outside], "payer-b", "sensitive", OPEN, datetime.now(UTC))  # matched, not in the Group
    cfg = config(tmp_path, fhir)
    group_id = group(store, {r: members[r] for r in (sensitive, regular, ended)})

    manifest = export(store, cfg, group_id, ExportRequest(since=date(2001, 1, 1)))

    released = lines(cfg, manifest["job_id"], manifest["output"])
    got = {(t, r["id"]) for t, rs in released.items() for r in rs}
    assert got == expected(fhir, [sensitive], True, members) | expected(fhir, [regular], False, members)
    subjects = {r["subject"]["reference"] for t, rs in released.items() if t != "Patient" for r in rs if "subject" in r}
    assert subjects == {f"Patient/{members[sensitive]}", f"Patient/{members[regular]}"}
    assert expected(fhir, [regular], True, members) - got  # #regular: its recent sensitive resources withheld
    assert not any(k in eob for eob in released.get("ExplanationOfBenefit", []) for k in ("total", "payment"))
    errors = lines(cfg, manifest["job_id"], manifest["error"])["OperationOutcome"]
    assert [(e["issue"][0]["expression"], e["issue"][0]["details"]["coding"][0]["code"]) for e in errors] == [
        ([f"Patient/{members[ended]}"], "consent_period_ended")]  # fmt: skip
    events = search_events(store, Criteria(partner_id="payer-b")).events
    hashes = {e["response_sha256"] for e in events if e["action"] == "bulk_export.file"}
    assert hashes == {entry["url"].rsplit("/", 1)[-1].removesuffix(".ndjson")
                      for entry in [*manifest["output"], *manifest["error"]]}  # fmt: skip
    released_keys = {k for e in events if e["action"] == "bulk_export.release" and e["outcome"] == "success"
                     for k in e["member_keys"]}  # fmt: skip
    assert released_keys == {members[sensitive], members[regular]}


def test_types_and_until_narrow_the_export_and_another_partner_cannot_start_or_read_it(
    store: GraphStore, fhir: Path, chosen: list[str], tmp_path: Path
) -> None:
    members = load_records(store, tmp_path / "run", chosen[:1])
    record_match(store, members[chosen[0]], "payer-b", "sensitive", OPEN, datetime.now(UTC))
    cfg = config(tmp_path, fhir)
    group_id = group(store, members)
    until = TODAY - timedelta(days=365)
    manifest = export(store, cfg, group_id, ExportRequest(until=until, types=("Encounter", "Patient")))
    released = lines(cfg, manifest["job_id"], manifest["output"])
    assert set(released) <= {"Encounter", "Patient"} and released["Patient"]
    dates = {str(r["resource_id"]): r["service_date"] for r in stored_rows(fhir, chosen[:1])}
    assert all(dates[e["id"]] <= until for e in released["Encounter"])  # type: ignore[operator]
    c = Requester("payer-c", "client-c", "partner:payer-c", ())
    assert service.submit_export(store, cfg, group_id, ExportRequest(), c, "u", "corr-c-export", clock.now()) is None
    assert service.status(store, cfg, manifest["job_id"], "payer-c") is None
    name = manifest["output"][0]["url"].rsplit("/", 1)[-1]
    assert service.export_file(store, cfg, manifest["job_id"], name, "payer-c") is None
    assert service.export_file(store, cfg, manifest["job_id"], name, "payer-b") is not None
    assert service.export_file(store, cfg, manifest["job_id"], "../../etc/passwd", "payer-b") is None


def test_a_running_export_that_is_cancelled_stops_and_leaves_no_files(
    store: GraphStore, fhir: Path, chosen: list[str], tmp_path: Path
) -> None:
    members = load_records(store, tmp_path / "run", chosen[:2])
    for key in members.values():
        record_match(store, key, "payer-b", "sensitive", OPEN, datetime.now(UTC))
    cfg = config(tmp_path, fhir)
    job_id = service.submit_export(store, cfg, group(store, members), ExportRequest(), B, "u", "corr-cancel-1",
                                   clock.now())  # fmt: skip
    assert job_id is not None
    lease = jobs.claim(store, cfg.root, "runner-1", clock.now(), cfg.lease)
    assert lease is not None and lease.job_id == job_id
    assert service.cancel(store, cfg, job_id, "payer-b", clock.now())
    with pytest.raises(jobs.LeaseLost):
        run_export(ExportJob(store, cfg, clock.now), lease)
    assert not cfg.export_dir(job_id).exists()
    assert service.status(store, cfg, job_id, "payer-b") is None
    assert jobs.claim(store, cfg.root, "runner-2", clock.now(), cfg.lease) is None  # nothing left to run
