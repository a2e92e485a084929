"""The members' FHIR histories: valid R4 resources, non-financial claims, sensitive data
labelled, years of service dates, laid out for DuckDB to filter by member, type and date."""

from __future__ import annotations

import importlib
import json
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import pytest

from synthetic import AS_OF, GeneratorConfig, HistoryScope, generate

TYPES = ("Patient", "Coverage", "ExplanationOfBenefit", "Encounter", "Condition", "Observation", "Procedure",
         "MedicationDispense")  # fmt: skip


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("fhir") / "out"
    generate(GeneratorConfig(members=200, seed=3, fhir_part_members=80), target)
    return target


def resources(out: Path, where: str = "true") -> list[dict[str, Any]]:
    sql = f"select * from read_parquet('{out}/fhir/**/*.parquet', hive_partitioning = true) where {where}"
    cursor = duckdb.connect().execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def test_every_resource_validates_against_the_r4_models(out: Path) -> None:
    found = resources(out)
    assert {r["resource_type"] for r in found} == set(TYPES)
    models = {t: getattr(importlib.import_module(f"fhir.resources.R4B.{t.lower()}"), t) for t in TYPES}
    for r in found:
        resource = models[r["resource_type"]].model_validate_json(r["resource_json"])
        assert resource.id == r["resource_id"]


def test_columns_and_partitions_let_duckdb_filter_by_payer_type_member_and_date(out: Path) -> None:
    parts = sorted(p.relative_to(out / "fhir").parts[:2] for p in (out / "fhir").rglob("*.parquet"))
    assert ("payer_id=payer-a", "resource_type=Condition") in parts
    schema = pq.read_schema(next((out / "fhir").rglob("*.parquet")))
    assert schema.names == ["resource_id", "payer_id", "member_id", "record_id", "person_id", "resource_type",
                            "service_date", "sensitive", "security_labels", "resource_json"]  # fmt: skip
    assert str(schema.field("service_date").type) == "date32[day]"
    member = resources(out, "resource_type = 'Patient' limit 1")[0]["member_id"]
    history = resources(out, f"member_id = '{member}' and service_date >= date '2019-01-01'")
    assert history and all(r["member_id"] == member for r in history)


def test_rows_are_sorted_by_member_then_service_date_inside_each_file(out: Path) -> None:
    for path in (out / "fhir").rglob("*.parquet"):
        table = pq.read_table(path, columns=["member_id", "service_date"]).to_pylist()
        keys = [(row["member_id"], row["service_date"]) for row in table]
        assert keys == sorted(keys), path


def test_every_history_belongs_to_a_real_record_of_the_same_payer(out: Path) -> None:
    truth = {t["record_id"]: t for t in pq.read_table(out / "truth.parquet").to_pylist()}
    patients = resources(out, "resource_type = 'Patient'")
    assert len(patients) > 200
    for p in patients:
        assert truth[p["record_id"]]["payer_id"] == p["payer_id"]
        assert truth[p["record_id"]]["person_id"] == p["person_id"]


def keys_of(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys_of(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys_of(v)}
    return set()


def test_claims_carry_no_financial_amounts(out: Path) -> None:
    eobs = [json.loads(r["resource_json"]) for r in resources(out, "resource_type = 'ExplanationOfBenefit'")]
    assert {eob["use"] for eob in eobs} == {"claim", "preauthorization"}
    money = {"total", "payment", "benefitBalance", "adjudication", "net", "unitPrice", "currency", "amount"}
    for eob in eobs:
        assert not money & keys_of(eob), eob["id"]


def test_prior_authorizations_have_varied_status_and_some_changed_in_the_last_year(out: Path) -> None:
    auths = [json.loads(r["resource_json"]) for r in resources(out, "resource_json like '%preauthorization%'")]
    auths = [a for a in auths if a["use"] == "preauthorization"]
    assert len({(a["status"], a["outcome"]) for a in auths}) >= 3
    last_year = (AS_OF - timedelta(days=365)).isoformat()
    assert any(a["meta"]["lastUpdated"][:10] >= last_year and a["created"] < last_year for a in auths)


def test_service_dates_span_more_than_five_years_before_as_of(out: Path) -> None:
    dates = [r["service_date"] for r in resources(out, "resource_type = 'Encounter'")]
    assert max(dates) <= AS_OF
    assert (max(dates) - min(dates)).days > 5 * 365


def test_sensitive_resources_are_labelled_and_only_they_are(out: Path) -> None:
    found = resources(out)
    sensitive = [r for r in found if r["sensitive"]]
    assert sensitive and len(sensitive) < 0.3 * len(found)
    labels = Counter(r["security_labels"] for r in sensitive)
    assert set(labels) == {"R,PSY,BH", "R,ETH,SUD"}
    for r in found:
        security = {c["code"] for c in json.loads(r["resource_json"])["meta"].get("security", [])}
        assert security == (set(r["security_labels"].split(",")) if r["sensitive"] else set())


def test_members_have_a_handful_to_about_thirty_resources(out: Path) -> None:
    per_member = Counter(r["record_id"] for r in resources(out))
    assert max(per_member.values()) <= 30
    assert min(per_member.values()) >= 2
    assert len(set(per_member.values())) > 5


def test_switchers_history_is_the_same_as_in_a_full_run(out: Path, tmp_path: Path) -> None:
    generate(GeneratorConfig(members=200, seed=3, fhir_part_members=80, history=HistoryScope.SWITCHERS), tmp_path / "s")
    switchers = {s["person_id"] for s in pq.read_table(out / "switches.parquet").to_pylist()}
    partial = {r["resource_id"]: r["resource_json"] for r in resources(tmp_path / "s")}
    assert partial and {r["person_id"] for r in resources(tmp_path / "s")} == switchers
    full = {r["resource_id"]: r["resource_json"] for r in resources(out) if r["person_id"] in switchers}
    assert partial == full


def test_history_none_writes_no_fhir(tmp_path: Path) -> None:
    result = generate(GeneratorConfig(members=100, history=HistoryScope.NONE), tmp_path / "n")
    assert not (tmp_path / "n" / "fhir").exists()
    assert result.histories == 0 and sum(result.resources_per_type.values()) == 0
