"""Bulk payer-to-payer exchange between two real payers over HTTP: payer B asks payer A (each
on its own Neo4j) to match members in bulk, then exports the matched Group as NDJSON.
Async polling, the three result Groups, consent re-checked at export time, the five-year
clamp, sensitive filtering, another partner refused, cancellation, and a re-run that changes
nothing."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from audit.clock import use_clock
from audit.search import Criteria
from audit.service import search_events
from exchange.bulk.groups import MATCH_PARAMETERS_EXT, RESULT_CS
from exchange.bulk.pull import Partner
from exchange.bulk.pull_flow import pull
from exchange.member_data.ingest import received_for
from exchange.transfers.partners import endpoint
from p2p.cli.main import app
from p2p.settings import as_environment
from security.client import SmartClient
from security.keys import load_signing_key
from tests.support.bulk import org
from tests.support.bulk_http import (
    BULK_SCOPES,
    FHIR,
    b_bearer_at_a,
    bulk_match,
    bundle_for,
    download,
    export,
    manifest_of,
    our_bundles,
)
from tests.support.partners import bearer, register_partner, token_for
from tests.support.two_payers import (
    B_NPI,
    PEOPLE,
    Person,
    TwoPayers,
    member_key_of,
    released_per_person,
)

pytestmark = pytest.mark.integration
NOBODY = Person("9", "Zed", "Nobody", "1950-01-01", "M")


@pytest.fixture
def http_a(payers: TwoPayers) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=payers.url_a, timeout=30) as http:
        yield http


@pytest.fixture
def b_at_a(payers: TwoPayers, http_a: httpx.Client) -> dict[str, str]:
    return b_bearer_at_a(payers, http_a)


@pytest.fixture
def c_at_a(payers: TwoPayers, http_a: httpx.Client) -> dict[str, str]:
    """Another partner of payer A, with the same scopes."""
    payer_c = register_partner(payers.store_a, "payer-c", scopes=BULK_SCOPES.split())
    return bearer(token_for(http_a, payer_c, scope=BULK_SCOPES))


def test_bulk_match_answers_three_groups_and_the_export_releases_only_what_each_consent_allows(
    payers: TwoPayers, http_a: httpx.Client, b_at_a: dict[str, str], c_at_a: dict[str, str]
) -> None:
    regular, sensitive, constrained = PEOPLE[0], PEOPLE[1], PEOPLE[2]
    group_resource = http_a.get("/fhir/metadata").json()["rest"][0]["resource"][1]
    assert [o["name"] for o in group_resource["operation"]] == ["bulk-member-match", "davinci-data-export"]
    no_prefer = http_a.post("/fhir/Group/$bulk-member-match", json={"resourceType": "Parameters"},
                            headers={**b_at_a, "Content-Type": "application/fhir+json"})  # fmt: skip
    assert no_prefer.status_code == 400 and no_prefer.json()["resourceType"] == "OperationOutcome"

    groups = bulk_match(http_a, b_at_a, [bundle_for(regular), bundle_for(sensitive, sensitive=True),
                                         bundle_for(constrained, recipient="urn:oid:9.9|elsewhere"),
                                         bundle_for(NOBODY)])  # fmt: skip

    matched = groups["MatchedMembers"]
    assert matched["code"]["coding"][0] == {"system": RESULT_CS, "code": "match", "display": "Matched"}
    assert matched["characteristic"][0]["exclude"] is False
    assert matched["characteristic"][0]["valueReference"]["identifier"]["value"] == org(B_NPI)[1]
    keys = {member_key_of(payers.store_a, f"A-{p.key}"): f"#b-{p.key}" for p in (regular, sensitive)}
    assert {m["entity"]["reference"]: m["entity"]["extension"][0]["valueReference"]["reference"]
            for m in matched["member"]} == {f"Patient/{k}": v for k, v in keys.items()}  # fmt: skip
    assert all(m["entity"]["extension"][0]["url"] == MATCH_PARAMETERS_EXT for m in matched["member"])
    assert [m["entity"]["reference"] for m in groups["ConsentConstrainedMembers"]["member"]] == ["#b-3"]
    assert groups["ConsentConstrainedMembers"]["code"]["coding"][0]["code"] == "consentconstraint"
    assert [m["entity"]["reference"] for m in groups["NonMatchedMembers"]["member"]] == ["#b-9"]
    assert groups["NonMatchedMembers"]["code"]["coding"][0]["code"] == "nomatch"

    group_id = matched["id"]
    assert http_a.get(f"/fhir/Group/{group_id}", headers=b_at_a).json()["id"] == group_id
    assert http_a.get("/fhir/Group", params={"code": "match"}, headers=b_at_a).json()["total"] == 1
    assert http_a.get(f"/fhir/Group/{group_id}", headers=c_at_a).status_code == 404
    assert http_a.get("/fhir/Group", params={"code": "match"}, headers=c_at_a).json()["total"] == 0
    assert export(http_a, c_at_a, group_id).status_code == 404
    assert export(http_a, b_at_a, group_id, _typeFilter="Encounter?reason-code=1").status_code == 400
    assert export(http_a, b_at_a, group_id, exportType="something-else").status_code == 400

    started = export(http_a, b_at_a, group_id, _since="2000-01-01")  # clamped to five years back
    manifest = manifest_of(http_a, b_at_a, started)
    assert manifest["requiresAccessToken"] is True and manifest["error"] == []
    files = download(http_a, b_at_a, manifest["output"])
    assert len(files["Encounter"]) == 2 * released_per_person()
    key_of = {p.key: member_key_of(payers.store_a, f"A-{p.key}") for p in (regular, sensitive)}
    assert [c["subject"]["reference"] for c in files["Condition"]] == [
        f"Patient/{key_of[sensitive.key]}"
    ]  # #regular: none
    assert "ExplanationOfBenefit" not in files  # the only claims are six years old
    subjects = {r["subject"]["reference"] for lines in files.values() for r in lines}
    assert subjects == {f"Patient/{k}" for k in key_of.values()}  # named as the match named them; nothing else
    for entry in manifest["output"]:
        assert http_a.get(entry["url"], headers=c_at_a).status_code == 404  # only to the partner that asked
    file_events = [e for e in search_events(payers.store_a, Criteria(partner_id="payer-b")).events
                   if e["action"] == "bulk_export.file"]  # fmt: skip
    listed = {e["response_sha256"] for e in file_events}
    assert {entry["extension"]["urn:payer-exchange:sha256"] for entry in manifest["output"]} <= listed

    again = manifest_of(http_a, b_at_a, export(http_a, b_at_a, group_id, _since="2000-01-01"))
    assert [(e["type"], e["url"].rsplit("/", 1)[-1]) for e in again["output"]] == [
        (e["type"], e["url"].rsplit("/", 1)[-1]) for e in manifest["output"]
    ]  # a re-run writes the very same files


def test_a_consent_that_expired_since_the_match_sends_the_member_to_the_error_file(
    payers: TwoPayers, http_a: httpx.Client, b_at_a: dict[str, str]
) -> None:
    short, long = PEOPLE[3], PEOPLE[4]
    groups = bulk_match(http_a, b_at_a, [bundle_for(short, days=10), bundle_for(long)])
    group_id = groups["MatchedMembers"]["id"]
    assert len(groups["MatchedMembers"]["member"]) == 2
    later = datetime.now(UTC) + timedelta(days=20)
    with use_clock(lambda: later):
        manifest = manifest_of(http_a, b_at_a, export(http_a, b_at_a, group_id, _type="Encounter"))
    errors = download(http_a, b_at_a, manifest["error"])["OperationOutcome"]
    short_key = member_key_of(payers.store_a, f"A-{short.key}")
    assert [e["issue"][0]["expression"] for e in errors] == [[f"Patient/{short_key}"]]
    assert errors[0]["issue"][0]["details"]["coding"][0]["code"] == "consent_period_ended"
    released = download(http_a, b_at_a, manifest["output"])
    long_key = member_key_of(payers.store_a, f"A-{long.key}")
    assert {r["subject"]["reference"] for r in released["Encounter"]} == {f"Patient/{long_key}"}


def test_a_cancelled_export_is_gone_and_its_files_are_not_served(
    payers: TwoPayers, http_a: httpx.Client, b_at_a: dict[str, str], c_at_a: dict[str, str]
) -> None:
    group_id = bulk_match(http_a, b_at_a, [bundle_for(PEOPLE[5])])["MatchedMembers"]["id"]
    started = export(http_a, b_at_a, group_id)
    status_url = started.headers["Content-Location"]
    assert http_a.delete(status_url, headers=c_at_a).status_code == 404  # not another partner's to cancel
    assert http_a.delete(status_url, headers=b_at_a).status_code == 202
    assert http_a.get(status_url, headers=b_at_a).status_code == 404
    assert http_a.delete(status_url, headers=b_at_a).status_code == 404
    job_id = status_url.rsplit("/", 1)[-1]
    assert not (payers.a.data_dir / "bulk" / "exports" / job_id).exists() or not any(
        (payers.a.data_dir / "bulk" / "exports" / job_id).glob("*.ndjson")
    )


def test_the_new_payer_pulls_in_bulk_verifies_every_file_and_a_second_pull_changes_nothing(
    payers: TwoPayers, http_a: httpx.Client
) -> None:
    at_a = endpoint(payers.store_b, "payer-a")
    smart = SmartClient(http_a, load_signing_key(payers.b), token_url=at_a.token_url, client_id=at_a.client_id,
                        scope=BULK_SCOPES)  # fmt: skip
    partner = Partner("payer-a", at_a.fhir_base_url, smart.token)
    ours, bundles = our_bundles(payers, PEOPLE[:3])

    with httpx.Client(timeout=30) as http:
        first = pull(payers.store_b, payers.b.data_dir, http, partner, bundles, "bulk-T1", "corr-bulk-pull-1")
        ingested = [received_for(payers.store_b, key) for key in ours.values()]
        second = pull(payers.store_b, payers.b.data_dir, http, partner, bundles, "bulk-T1", "corr-bulk-pull-2")

    assert (first.matched, first.not_matched, first.unattributed, first.refused_members) == (3, 0, 0, 0)
    assert first.resources == 3 * released_per_person() and first.ingested_files == 3  # one Encounter file each
    for rows in ingested:
        assert [(r["resource_type"], r["resource_count"]) for r in rows] == [("Encounter", released_per_person())]
        assert rows[0]["provenance"] == "received from payer payer-a in transfer bulk-T1"
        assert (Path(rows[0]["path"]).name == f"{rows[0]['sha256']}.ndjson"
                and hashlib.sha256(Path(rows[0]["path"]).read_bytes()).hexdigest() == rows[0]["sha256"])  # fmt: skip
    assert second.resources == first.resources and second.ingested_files == 0  # the same files: nothing new
    assert [received_for(payers.store_b, key) for key in ours.values()] == ingested


def test_a_repeated_kick_off_with_the_same_idempotency_key_names_the_same_job(
    payers: TwoPayers, http_a: httpx.Client, b_at_a: dict[str, str]
) -> None:
    body = {"resourceType": "Parameters", "parameter": [bundle_for(PEOPLE[0])]}
    headers = {**b_at_a, **FHIR, "Idempotency-Key": uuid.uuid4().hex}
    first = http_a.post("/fhir/Group/$bulk-member-match", json=body, headers=headers)
    second = http_a.post("/fhir/Group/$bulk-member-match", json=body, headers=headers)
    assert first.status_code == second.status_code == 202
    assert second.headers["Content-Location"] == first.headers["Content-Location"]
    assert second.headers["Idempotent-Replayed"] == "true"


def test_p2p_bulk_pull_takes_transfer_requests_and_ingests_what_the_previous_payer_exports(
    payers: TwoPayers, tmp_path: Path
) -> None:
    lines = [json.dumps(payers.transfer_request(p, f"ENR-BULK-{p.key}")) for p in PEOPLE[:2]]
    requests = tmp_path / "requests.jsonl"
    requests.write_text("\n".join(lines) + "\n")
    env = as_environment(payers.b)
    result = CliRunner().invoke(app, ["bulk", "pull", "payer-a", str(requests), "--transfer-id", "B-cli-1"], env=env)
    assert result.exit_code == 0, result.output
    assert "matched" in result.output and "B-cli-1" in result.output
    for p in PEOPLE[:2]:
        rows = received_for(payers.store_b, member_key_of(payers.store_b, f"B-{p.key}"))
        assert [r["provenance"] for r in rows] == ["received from payer payer-a in transfer B-cli-1"]

    (tmp_path / "bad.jsonl").write_text('{"member_key": "nope"}\n')
    bad = CliRunner().invoke(app, ["bulk", "pull", "payer-a", str(tmp_path / "bad.jsonl")], env=env)
    assert bad.exit_code == 1 and "bad.jsonl:1" in bad.output
