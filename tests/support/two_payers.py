"""Two real payers for transfer tests: payer A (the previous payer) on the test Neo4j and
payer B (the new payer) on a second, throw-away Neo4j server, each with its own API over
loopback HTTP, partner registrations both ways, and member data A can release.

A's members are the same persons as B's members (a payer switch): B's record is what the
new payer knows, A's record and history are what the old payer holds."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pyarrow as pa
import pyarrow.parquet as pq

from exchange.member_match.setup import match_context
from exchange.transfers import partners as endpoints
from exchange.transfers.runtime import Runtime
from exchange.transfers.worker import Worker
from graph.loading import load_run
from graph.store import GraphStore
from matching.canonical.validation import CanonicalRecord
from matching.linkage import jobs
from matching.realtime.features import features
from p2p.bootstrap import transfer_runtime
from p2p.settings import Settings
from security import partners
from security.domain.lifecycle import PartnerStatus
from security.keys import load_signing_key
from tests.support.partners import NPI, TEST_APPROVAL, register_partner, token_for
from tests.support.servers import RequestLog, running_api

A_NPI, B_NPI = f"{NPI}|1000000011", f"{NPI}|1000000022"
B_SCOPES_AT_A = ("system/Patient.member-match", "system/Patient.read", "system/Group.bulk-member-match",
                 "system/Group.export")  # fmt: skip
TODAY = date.today()


@dataclass(frozen=True)
class Person:
    key: str  # a short label, used in record ids
    first: str
    last: str
    dob: str
    sex: str


PEOPLE = [
    Person("1", "Ada", "Quill", "1961-02-03", "F"),
    Person("2", "Bert", "Ramos", "1979-07-14", "M"),
    Person("3", "Cora", "Santi", "1990-11-30", "F"),
    Person("4", "Dev", "Tanaka", "1985-05-05", "M"),
    Person("5", "Eli", "Umber", "1972-09-09", "M"),
    Person("6", "Fay", "Vance", "1999-01-21", "F"),
]
HELD = Person("7", "Gus", "Wolff", "1968-04-12", "M")  # at B: two records with a candidate link between them


def _record(payer: str, record_id: str, member_id: str, p: Person, first: str | None = None) -> dict[str, Any]:
    row = {"record_id": record_id, "payer_id": payer, "member_id": member_id, "first_name": first or p.first,
           "last_name": p.last, "dob": p.dob, "sex": p.sex, "zip": "45200"}  # fmt: skip
    return features(CanonicalRecord.model_validate(row, context={"issues": []}).model_dump(exclude_none=True))


def _write_run(folder: Path, run_id: str, records: list[dict[str, Any]], pairs: list[dict[str, Any]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(records), folder / "records.parquet")
    empty = {"left_record_id": "x", "right_record_id": "y", "match_weight": 0.0, "match_probability": 0.0,
             "blocking_rule": "r", "must_not_link": None, "decision": "review"}  # fmt: skip
    table = pa.Table.from_pylist(pairs or [empty])
    pq.write_table(table if pairs else table.slice(0, 0), folder / "pairs.parquet")
    (folder / "run.json").write_text(json.dumps({"run_id": run_id, "model_version": "two-payers-1"}))
    return folder


def a_member_id(p: Person) -> str:
    return f"A{p.key}0001"


def load_payer_a(store: GraphStore, folder: Path) -> None:
    records = [_record("payer-a", f"A-{p.key}", a_member_id(p), p) for p in [*PEOPLE, HELD]]
    load_run(store, _write_run(folder, "two-payers-a", records, []))


def load_payer_b(store: GraphStore, folder: Path) -> None:
    records = [_record("payer-b", f"B-{p.key}", f"B{p.key}0001", p) for p in [*PEOPLE, HELD]]
    records.append(_record("payer-b", f"B-{HELD.key}x", f"B{HELD.key}0002", HELD, first="Gustav"))
    pair = {"left_record_id": f"B-{HELD.key}", "right_record_id": f"B-{HELD.key}x", "match_weight": 9.0,
            "match_probability": 0.998, "blocking_rule": "SAME_DOB_SAME_LAST_NAME", "must_not_link": None,
            "decision": "review"}  # fmt: skip
    load_run(store, _write_run(folder, "two-payers-b", records, [pair]))


def resource_row(p: Person, kind: str, n: int, day: date, sensitive: bool, **fields: Any) -> dict[str, Any]:
    """One row of A's member data store: a resource of ``p`` (``fields`` added to its JSON)."""
    rid = f"A-{p.key}-{kind.lower()}-{n}"
    body: dict[str, Any] = {"resourceType": kind, "id": rid, "subject": {"reference": f"Patient/A-{p.key}"}, **fields}
    if sensitive:
        body["meta"] = {"security": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "PSY"}]}
    return {"resource_id": rid, "payer_id": "payer-a", "member_id": a_member_id(p), "record_id": f"A-{p.key}",
            "person_id": f"P{p.key}", "resource_type": kind, "service_date": day, "sensitive": sensitive,
            "security_labels": "PSY" if sensitive else "", "resource_json": json.dumps(body)}  # fmt: skip


def write_member_data(folder: Path, rows: list[dict[str, Any]] | None = None) -> Path:
    """A's member data store: ``rows`` (``resource_row``), or by default the history of each
    person: encounters over the years, one sensitive condition, one claim older than five years
    (never released)."""
    if rows is None:
        rows = []
        for p in [*PEOPLE, HELD]:
            for n in range(4):
                rows.append(resource_row(p, "Encounter", n, TODAY - timedelta(days=200 * n + 10), False))
            rows.append(resource_row(p, "Condition", 0, TODAY - timedelta(days=90), True))
            rows.append(resource_row(p, "ExplanationOfBenefit", 0, TODAY - timedelta(days=6 * 365), False))
    table = pa.Table.from_pylist(rows)
    for kind in sorted({r["resource_type"] for r in rows}):
        part = folder / "payer_id=payer-a" / f"resource_type={kind}"
        part.mkdir(parents=True, exist_ok=True)
        chosen = table.filter(pa.compute.equal(table["resource_type"], kind))
        pq.write_table(chosen.drop(["payer_id", "resource_type"]), part / "part-0000.parquet")
    return folder


def released_per_person() -> int:
    """What A releases of one person under a regular consent: encounters within five years."""
    return sum(1 for n in range(4) if 200 * n + 10 <= 5 * 365)


@dataclass
class TwoPayers:
    a: Settings
    b: Settings
    store_a: GraphStore
    store_b: GraphStore
    url_a: str
    url_b: str
    enrollment_token: str
    operator_token: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def transfer_request(self, p: Person, source_request_id: str, **changes: Any) -> dict[str, Any]:
        body = {
            "member_key": member_key_of(self.store_b, f"B-{p.key}"), "previous_payer": "payer-a",
            "previous_coverage": {"member_id": a_member_id(p), "start": (TODAY - timedelta(days=900)).isoformat(),
                                  "end": (TODAY - timedelta(days=30)).isoformat()},
            "new_coverage": {"member_id": f"B{p.key}0001", "start": (TODAY - timedelta(days=3)).isoformat()},
            "consent": {"policy": "regular", "start": (TODAY - timedelta(days=3)).isoformat(),
                        "end": (TODAY + timedelta(days=365)).isoformat()},
            "source_request_id": source_request_id,
        }  # fmt: skip
        body.update(changes)
        return body


def member_key_of(store: GraphStore, record_id: str) -> str:
    rows = store.read("identity/current_members", {"record_ids": [record_id]})
    key: str = rows[0]["member_key"]
    return key


@contextmanager
def worker_runtime(t: TwoPayers, name: str = "test-worker", **overrides: Any) -> Iterator[Runtime]:
    cfg = t.b.model_copy(update=overrides) if overrides else t.b
    with transfer_runtime(cfg, t.store_b, name) as rt:
        yield rt


def drain(rt: Runtime, rounds: int = 200, *, concurrency: int = 4) -> Worker:
    """Run due steps until none is left (steps due later are not waited for)."""
    worker = Worker(rt, concurrency=concurrency, lease=timedelta(seconds=60), poll_s=0.05)
    with ThreadPoolExecutor(concurrency) as pool:
        for _ in range(rounds):
            if not worker.run_once(pool):
                break
    return worker


@contextmanager
def two_payers(
    settings_a: Settings, settings_b: Settings, store_a: GraphStore, store_b: GraphStore,
    model: jobs.TrainResult, a_overrides: dict[str, Any] | None = None, a_log: RequestLog | None = None,
) -> Iterator[TwoPayers]:  # fmt: skip
    """Both APIs running and introduced to each other (graphs must be loaded by the caller); ``a_log``
    records every request payer A receives."""
    cfg_a = settings_a.model_copy(update=a_overrides or {})
    with ExitStack() as stack:
        url_a = stack.enter_context(running_api(cfg_a, member_match=match_context(cfg_a, store_a, model.model),
                                                wrap=a_log.wrap if a_log else None))  # fmt: skip
        url_b = stack.enter_context(running_api(settings_b, member_match=None))
        b_key = load_signing_key(settings_b)
        at_a = partners.register(
            store_a, partner_id="payer-b", name="Payer B", scopes=[*B_SCOPES_AT_A],
            identifiers=[B_NPI], keys=partners.key_set({"keys": [b_key.jwk]}, None, ()), approval=TEST_APPROVAL,
        )  # fmt: skip
        partners.set_status(store_a, "payer-b", PartnerStatus.ACTIVE, TEST_APPROVAL)
        register_partner(store_b, "payer-a", identifiers=[A_NPI], scopes=["system/Patient.read"])
        endpoints.set_endpoint(store_b, "payer-a", fhir_base_url=f"{url_a}/fhir", token_url=f"{url_a}/auth/token",
                               client_id=at_a.client_id)  # fmt: skip
        enrollment = register_partner(store_b, "enrollment", scopes=["system/Transfer.write"], identifiers=[B_NPI])
        with httpx.Client(base_url=url_b, timeout=30) as http:
            token = token_for(http, enrollment, scope="system/Transfer.write")
        yield TwoPayers(cfg_a, settings_b, store_a, store_b, url_a, url_b, token)
