"""Helpers for member data tests: a small generated population with FHIR histories, some of
payer-a's records loaded into the graph (one member each), and a recorded `$member-match`
that named a member to a partner with a consent."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from exchange.member_match.recording import Kept, record_decision
from exchange.member_match.result import MatchResult
from graph.loading import load_run
from graph.store import GraphStore
from matching.canonical.validation import CanonicalRecord
from matching.realtime.features import features
from synthetic import GeneratorConfig, HistoryScope, generate

PAYER = "payer-a"


def generated_histories(out: Path, members: int = 150, seed: int = 5) -> Path:
    """A population with everyone's history; returns the member data folder (``fhir/``)."""
    generate(GeneratorConfig(members=members, seed=seed, history=HistoryScope.ALL), out)
    return out / "fhir"


def richest_records(fhir: Path, n: int) -> list[str]:
    """payer-a's records with the most resources, sensitive ones among them first."""
    sql = """SELECT record_id FROM read_parquet($files, hive_partitioning = true)
             GROUP BY record_id ORDER BY bool_or(sensitive) DESC, count(*) DESC, record_id LIMIT $n"""
    files = [str(p) for p in sorted((fhir / f"payer_id={PAYER}").glob("*/*.parquet"))]
    return [r[0] for r in duckdb.execute(sql, {"files": files, "n": n}).fetchall()]


def stored_rows(fhir: Path, record_ids: list[str]) -> list[dict[str, object]]:
    sql = """SELECT resource_type, resource_id, service_date, sensitive, security_labels
             FROM read_parquet($files, hive_partitioning = true) WHERE list_contains($ids, record_id)"""
    files = [str(p) for p in sorted((fhir / f"payer_id={PAYER}").glob("*/*.parquet"))]
    cursor = duckdb.execute(sql, {"files": files, "ids": record_ids})
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


Person = tuple[str | None, ...]  # first, middle, last, dob, sex, member id
FIELDS = ("first_name", "middle_name", "last_name", "dob", "sex", "member_id")


def load_records(
    store: GraphStore, folder: Path, record_ids: list[str], people: dict[str, Person] | None = None
) -> dict[str, str]:
    """Each record its own member (plus an unrelated pair under review), with the demographics
    ``people`` gives it; returns record -> member key."""
    people = people or {}
    rows = [{"record_id": rid, "payer_id": PAYER, **dict(zip(FIELDS, people.get(rid, ()), strict=False))}
            for rid in [*record_ids, "X-1", "X-2"]]  # fmt: skip
    records = [features(CanonicalRecord.model_validate(r, context={"issues": []}).model_dump(exclude_none=True))
               for r in rows]  # fmt: skip
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(records), folder / "records.parquet")
    pair = {"left_record_id": "X-1", "right_record_id": "X-2", "match_weight": 8.0, "match_probability": 0.996,
            "blocking_rule": "SAME_DOB_SAME_FIRST_NAME", "must_not_link": None, "decision": "review"}  # fmt: skip
    pq.write_table(pa.Table.from_pylist([pair]), folder / "pairs.parquet")
    (folder / "run.json").write_text(json.dumps({"run_id": f"md-{uuid.uuid4().hex[:8]}", "model_version": "md-1"}))
    load_run(store, folder)
    found = store.read("identity/current_members", {"record_ids": record_ids})
    return {r["record_id"]: r["member_key"] for r in found}


def record_match(
    store: GraphStore, member_key: str, partner_id: str, policy: str, period: tuple[date, date], at: datetime
) -> str:
    """A unique `$member-match` for ``partner_id`` naming ``member_key``, recorded as the service does."""
    decision_id = str(uuid.uuid4())
    record = {"decision_id": decision_id, "at": at.astimezone(UTC).isoformat(), "partner_id": partner_id,
              "client_id": partner_id, "actor": f"partner:{partner_id}", "correlation_id": f"corr-{decision_id}",
              "request_sha256": "0" * 64, "model_version": "md-1", "candidate_count": 1}  # fmt: skip
    result = MatchResult(decision_id, "unique_match", "matched", member_key, policy, body=b"{}")
    consent = {"consent_id": decision_id, "partner_id": partner_id, "policy": policy,
               "period_start": period[0].isoformat(), "period_end": period[1].isoformat(),
               "sources": [], "recipients": []}  # fmt: skip
    record_decision(store, record, result, member_key, Kept(consent=consent))
    return decision_id
