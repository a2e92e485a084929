"""The synthetic population: deterministic, truthful, and full of the hard cases matching must face."""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import pytest

from matching.canonical.schema import CANONICAL_COLUMNS
from synthetic import GeneratorConfig, HistoryScope, generate
from synthetic.corruption import transposed_dob

MEMBERS = 1500


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("population") / "out"
    generate(GeneratorConfig(members=MEMBERS, seed=7, history=HistoryScope.NONE), target)
    return target


def rows(sql: str) -> list[tuple[Any, ...]]:
    return duckdb.connect().execute(sql).fetchall()


def records(out: Path) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for path in sorted((out / "payers").glob("*.parquet")):
        found.extend(pq.read_table(path).to_pylist())
    return found


def digests(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_same_seed_gives_byte_identical_files_whatever_the_worker_count(tmp_path: Path) -> None:
    config = GeneratorConfig(members=400, seed=11, fhir_part_members=60)
    generate(config, tmp_path / "one", workers=1)
    generate(config, tmp_path / "two", workers=2)
    first, second = digests(tmp_path / "one"), digests(tmp_path / "two")
    assert len(first) > 10
    assert first == second


def test_different_seed_gives_different_people(tmp_path: Path) -> None:
    generate(GeneratorConfig(members=300, seed=1, history=HistoryScope.NONE), tmp_path / "a")
    generate(GeneratorConfig(members=300, seed=2, history=HistoryScope.NONE), tmp_path / "b")
    people_a = pq.read_table(tmp_path / "a" / "persons.parquet").to_pylist()
    people_b = pq.read_table(tmp_path / "b" / "persons.parquet").to_pylist()
    assert [(p["first_name"], p["dob"]) for p in people_a] != [(p["first_name"], p["dob"]) for p in people_b]
    assert digests(tmp_path / "a")["payers/payer-a.parquet"] != digests(tmp_path / "b")["payers/payer-a.parquet"]


def test_manifest_records_parameters_and_the_digest_of_every_file(out: Path) -> None:
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 7
    assert manifest["as_of"] == "2026-11-01"
    assert manifest["parameters"]["members"] == MEMBERS
    written = {name: sha for name, sha in digests(out).items() if name != "manifest.json"}
    assert {name: entry["sha256"] for name, entry in manifest["files"].items()} == written


def test_records_follow_the_canonical_schema_with_globally_unique_ids(out: Path) -> None:
    for path in (out / "payers").glob("*.parquet"):
        schema = pq.read_schema(path)
        assert tuple(schema.names) == CANONICAL_COLUMNS
        assert all(str(field.type) == "string" for field in schema)
    found = records(out)
    ids = [r["record_id"] for r in found]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[A-Z]-S\d-\d{7}", i) for i in ids)
    assert {r["sex"] for r in found} <= {"M", "F", "U"}
    assert {r["relationship"] for r in found} == {"self", "spouse", "child", "other"}
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", r["dob"]) for r in found if r["dob"])
    assert all(re.fullmatch(r"\d{5}(-\d{4})?", r["zip"]) for r in found if r["zip"])
    assert all(re.fullmatch(r"\d{4}|\d{9}", r["ssn"]) for r in found if r["ssn"])
    assert all(re.fullmatch(r"[A-Z]{2}", r["state"]) for r in found)
    assert len({r["source_system"] for r in found if r["payer_id"] == "payer-a"}) >= 2


def test_raw_values_are_as_messy_as_real_extracts(out: Path) -> None:
    found = records(out)
    phones = {r["phone"] for r in found if r["phone"]}
    assert any(p.startswith("(") for p in phones) and any("." in p for p in phones) and any("+1" in p for p in phones)
    assert any(r["zip"] and "-" in r["zip"] for r in found) and any(len(r["zip"]) == 5 for r in found)
    assert any(r["first_name"].isupper() for r in found) and any(r["first_name"].istitle() for r in found)
    assert any(r["address_line1"].endswith((" St", " St.")) for r in found)
    assert any(r["address_line1"].endswith(" Street") for r in found)
    assert any(re.search(r"(Apt|APT|Unit|UNIT|#)\.? ?\w+", r["address_line2"] + r["address_line1"]) for r in found)
    assert any(len(r["ssn"]) == 4 for r in found) and any(len(r["ssn"]) == 9 for r in found)
    assert any(r["email"] != r["email"].lower() for r in found)


def test_truth_covers_every_record_and_every_person_exists(out: Path) -> None:
    truth = pq.read_table(out / "truth.parquet").to_pylist()
    persons = {p["person_id"] for p in pq.read_table(out / "persons.parquet").to_pylist()}
    assert sorted(t["record_id"] for t in truth) == sorted(r["record_id"] for r in records(out))
    assert {t["person_id"] for t in truth} == persons  # every person has a record, every record a person
    assert len(persons) == MEMBERS


def test_every_hard_case_is_present(out: Path) -> None:
    manifest = json.loads((out / "manifest.json").read_text())
    assert all(count > 0 for count in manifest["counts"]["hard_cases"].values()), manifest["counts"]["hard_cases"]


def _joined(out: Path) -> list[dict[str, Any]]:
    truth = {t["record_id"]: t for t in pq.read_table(out / "truth.parquet").to_pylist()}
    persons = {p["person_id"]: p for p in pq.read_table(out / "persons.parquet").to_pylist()}
    joined = []
    for record in records(out):
        tags = truth[record["record_id"]]
        joined.append({**record, **{f"t_{k}": v for k, v in tags.items()}, "true": persons[tags["person_id"]]})
    return joined


def test_twins_share_dob_last_name_and_home_but_are_different_people(out: Path) -> None:
    persons = {p["person_id"]: p for p in pq.read_table(out / "persons.parquet").to_pylist()}
    twins = [p for p in persons.values() if p["twin_of"]]
    assert twins
    for twin in twins:
        other = persons[twin["twin_of"]]
        assert other["person_id"] != twin["person_id"]
        assert (other["dob"], other["last_name"], other["family_id"]) == (
            twin["dob"],
            twin["last_name"],
            twin["family_id"],
        )
    tagged = [r for r in _joined(out) if r["t_is_twin"]]
    assert tagged and all(r["true"]["twin_of"] for r in tagged)


def test_families_share_a_subscriber_id_and_an_address(out: Path) -> None:
    by_subscriber: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in _joined(out):
        if r["t_in_family"] and not r["t_member_id_mistyped"]:
            by_subscriber[(r["payer_id"], r["subscriber_id"])].append(r)
    families = [group for group in by_subscriber.values() if len({r["t_person_id"] for r in group}) > 1]
    assert len(families) > 20
    relationships = {r["relationship"] for group in families for r in group}
    assert {"self", "spouse", "child"} <= relationships
    same_family = [group for group in families if len({r["true"]["family_id"] for r in group}) == 1]
    assert len(same_family) > 0.8 * len(families)  # the rest are recycled subscriber ids


def test_a_good_share_of_persons_is_in_two_payers_or_more(out: Path) -> None:
    payers: dict[str, set[str]] = defaultdict(set)
    for t in pq.read_table(out / "truth.parquet").to_pylist():
        payers[t["person_id"]].add(t["payer_id"])
    assert sum(len(p) > 1 for p in payers.values()) > 0.2 * MEMBERS


def test_within_payer_duplicates_are_the_same_person_in_two_records(out: Path) -> None:
    seen: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in _joined(out):
        seen[(r["payer_id"], r["t_person_id"])].add(r["source_system"])
    assert sum(len(systems) > 1 for systems in seen.values()) > 30


def test_recycled_member_ids_belong_to_different_persons_at_different_times(out: Path) -> None:
    holders: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for r in _joined(out):
        if r["t_member_id_recycled"] and not r["t_member_id_mistyped"]:
            holders[(r["payer_id"], r["member_id"])].append(r)
    shared = [group for group in holders.values() if len({r["t_person_id"] for r in group}) > 1]
    assert shared
    for group in shared:
        periods = sorted({(r["coverage_start"], r["coverage_end"], r["t_person_id"]) for r in group})
        assert periods[0][1] and periods[0][1] < periods[-1][0]  # the first holder left before the next started


def test_dob_transpositions_nicknames_name_changes_and_moves_are_what_they_say(out: Path) -> None:
    joined = _joined(out)
    swapped = [r for r in joined if r["t_dob_transposed"] and r["dob"]]
    assert swapped
    for r in swapped:
        assert r["dob"] == transposed_dob(r["true"]["dob"].toordinal()) != r["true"]["dob"].isoformat()
    nicknames = [r for r in joined if r["t_nickname_used"] and not r["t_typo"]]
    assert nicknames and all(r["first_name"].lower() == r["true"]["nickname"].lower() for r in nicknames)
    married = [r for r in joined if r["t_name_changed"] and not r["t_typo"]]
    assert married and all(r["true"]["maiden_name"].lower() in r["last_name"].lower() for r in married)
    moved = [r for r in joined if r["t_moved"]]
    assert moved


def test_very_common_names_cluster_with_different_birth_dates(out: Path) -> None:
    names: dict[tuple[str, str], set[date]] = defaultdict(set)
    for p in pq.read_table(out / "persons.parquet").to_pylist():
        names[(p["first_name"], p["last_name"])].add(p["dob"])
    assert max(len(dobs) for dobs in names.values()) >= 3


def test_switches_link_existing_records_of_two_different_payers(out: Path) -> None:
    switches = pq.read_table(out / "switches.parquet").to_pylist()
    truth = {t["record_id"]: t for t in pq.read_table(out / "truth.parquet").to_pylist()}
    assert len(switches) > 0.1 * MEMBERS
    for s in switches:
        old, new = truth[s["old_record_id"]], truth[s["new_record_id"]]
        assert s["old_payer_id"] != s["new_payer_id"]
        assert (old["payer_id"], new["payer_id"]) == (s["old_payer_id"], s["new_payer_id"])
        assert old["person_id"] == new["person_id"] == s["person_id"]
        assert s["old_coverage_end"] < s["switch_date"] <= s["new_coverage_start"]
    opted_in = [s for s in switches if s["consent_opt_in"]]
    assert 0.7 * len(switches) < len(opted_in) < len(switches)
    assert {s["consent_policy"] for s in opted_in} == {"regular", "sensitive"}
    for s in opted_in:
        assert s["consent_policy_uri"].endswith("#" + s["consent_policy"])
        assert s["consent_start"] < s["consent_end"]
    assert all(s["consent_policy"] is None for s in switches if not s["consent_opt_in"])


def test_the_new_payer_sometimes_knows_the_member_differently(out: Path) -> None:
    switches = pq.read_table(out / "switches.parquet").to_pylist()
    old = {r["record_id"]: r for r in records(out)}
    differs = [
        s for s in switches if s["new_address_line1"].lower() != old[s["old_record_id"]]["address_line1"].lower()
    ]
    assert differs
    assert rows(f"select count(*) from '{out}/switches.parquet' where new_first_name = ''") == [(0,)]
