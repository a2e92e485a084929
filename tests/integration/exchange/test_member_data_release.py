"""$everything as the old payer, over real DuckDB (a generated population's histories) and real
Neo4j: only to the partner a match named the member to, consent re-checked on the day,
five-year look-back, sensitive data withheld under #regular, pages that cover everything once,
redirects followed, and one audit event per page."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from audit.search import Criteria
from audit.service import search_events
from exchange.domain import release_rules as rules
from exchange.fhir.errors import FhirInputError
from exchange.member_data.release import EverythingRequest, Released, release_everything
from exchange.member_data.store import MemberDataStore, Selection
from graph.member_actions import merge
from graph.store import GraphStore
from tests.support.member_data import (
    PAYER,
    generated_histories,
    load_records,
    record_match,
    richest_records,
    stored_rows,
)

pytestmark = pytest.mark.integration

TODAY = datetime.now(UTC).date()
OPEN = (TODAY - timedelta(days=30), TODAY + timedelta(days=300))
BASE = "https://payer-a.example/fhir"


@pytest.fixture(scope="module")
def fhir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generated_histories(tmp_path_factory.mktemp("histories") / "pop")


@pytest.fixture(scope="module")
def chosen(fhir: Path) -> list[str]:
    return richest_records(fhir, 3)


@pytest.fixture
def members(store: GraphStore, chosen: list[str], tmp_path: Path) -> Iterator[dict[str, str]]:
    yield load_records(store, tmp_path / "run", chosen)


@pytest.fixture
def matched_key(store: GraphStore, chosen: list[str], members: dict[str, str]) -> str:
    """The first chosen member, matched today to payer-b with a #sensitive consent in its period."""
    key = members[chosen[0]]
    record_match(store, key, "payer-b", "sensitive", OPEN, datetime.now(UTC))
    return key


def ask(member_key: str, partner: str = "payer-b", **kw: Any) -> EverythingRequest:
    return EverythingRequest(member_key, partner, partner, f"partner:{partner}", "corr-release-0001",
                             link_base=f"{BASE}/Patient/{member_key}/$everything", **kw)  # fmt: skip


def entries(released: Released) -> list[tuple[str, str]]:
    body = json.loads(released.body)
    return [(e["resource"]["resourceType"], e["resource"]["id"]) for e in body["entry"]]


def expected(fhir: Path, record_ids: list[str], sensitive_too: bool, since: date | None = None) -> set[tuple[str, str]]:
    earliest = rules.clamped_since(since, TODAY)
    return {
        (r["resource_type"], r["resource_id"])
        for r in stored_rows(fhir, record_ids)
        if (r["resource_type"] in rules.UNDATED_TYPES or r["service_date"] >= earliest)
        and (sensitive_too or not (r["sensitive"] or r["security_labels"]))
    }


def all_pages(store: GraphStore, data: MemberDataStore, request: EverythingRequest) -> list[Released]:
    pages = [release_everything(store, data, request, BASE, TODAY)]
    while pages[-1].next_cursor:
        cursor = pages[-1].next_cursor
        pages.append(release_everything(store, data, ask(request.member_key, count=request.count, after=cursor), BASE))
    return pages


def test_a_sensitive_consent_releases_five_years_of_everything_exactly_once_over_pages(
    store: GraphStore, fhir: Path, chosen: list[str], members: dict[str, str], matched_key: str
) -> None:
    key = matched_key
    data = MemberDataStore(fhir, PAYER)
    pages = all_pages(store, data, ask(key, count=7))
    got = [e for p in pages for e in entries(p)]
    assert len(got) == len(set(got)), "no resource twice"
    assert set(got) == expected(fhir, [chosen[0]], sensitive_too=True)
    assert len(pages) > 2 and all(p.status == 200 for p in pages)
    assert any(t == "Condition" for t, _ in got) and ("Patient", chosen[0]) in got
    old = [r for r in stored_rows(fhir, [chosen[0]]) if r["service_date"] < rules.clamped_since(None, TODAY)]
    assert any(r["resource_type"] not in rules.UNDATED_TYPES for r in old), "the generator wrote older care"
    assert not {(r["resource_type"], r["resource_id"]) for r in old if r["resource_type"] == "Encounter"} & set(got)


def test_a_regular_consent_never_releases_sensitive_data(
    store: GraphStore, fhir: Path, chosen: list[str], members: dict[str, str]
) -> None:
    key = members[chosen[0]]
    record_match(store, key, "payer-b", "regular", OPEN, datetime.now(UTC))
    got = entries(release_everything(store, MemberDataStore(fhir, PAYER), ask(key, count=1000), BASE, TODAY))
    sensitive = {(r["resource_type"], r["resource_id"]) for r in stored_rows(fhir, [chosen[0]]) if r["sensitive"]}
    assert sensitive, "the chosen member has sensitive care"
    assert not sensitive & set(got)
    assert set(got) == expected(fhir, [chosen[0]], sensitive_too=False)


def test_type_and_since_narrow_the_release(
    store: GraphStore, fhir: Path, chosen: list[str], members: dict[str, str], matched_key: str
) -> None:
    key = matched_key
    since = TODAY - timedelta(days=2 * 365)
    request = ask(key, count=1000, types=("Condition", "Encounter"), since=since)
    got = entries(release_everything(store, MemberDataStore(fhir, PAYER), request, BASE, TODAY))
    wanted = {e for e in expected(fhir, [chosen[0]], True, since) if e[0] in ("Condition", "Encounter")}
    assert got and set(got) == wanted


def test_another_partner_or_an_unknown_member_is_a_404(
    store: GraphStore, fhir: Path, chosen: list[str], members: dict[str, str], matched_key: str
) -> None:
    key = matched_key
    data = MemberDataStore(fhir, PAYER)
    for request in (ask(key, partner="payer-c"), ask(members[chosen[1]]), ask("no-such-member")):
        with pytest.raises(FhirInputError) as caught:
            release_everything(store, data, request, BASE, TODAY)
        assert caught.value.status == 404
        assert "no Patient/" in str(caught.value)


def test_an_expired_consent_is_refused_and_audited(
    store: GraphStore, fhir: Path, chosen: list[str], members: dict[str, str]
) -> None:
    key = members[chosen[0]]
    expired = (TODAY - timedelta(days=400), TODAY - timedelta(days=1))
    record_match(store, key, "payer-b", "sensitive", expired, datetime.now(UTC) - timedelta(days=10))
    released = release_everything(store, MemberDataStore(fhir, PAYER), ask(key), BASE, TODAY)
    assert released.status == 403
    assert json.loads(released.body)["issue"][0]["details"]["coding"][0]["code"] == "consent_period_ended"
    events = search_events(store, Criteria(member_key=key)).events
    assert [(e["action"], e["outcome"], e["reason_code"]) for e in events][-1] == (
        "member_data.release",
        "refused",
        "CONSENT_PERIOD_ENDED",
    )


def test_each_page_is_audited_with_counts_hash_and_timeliness(
    store: GraphStore, fhir: Path, chosen: list[str], members: dict[str, str]
) -> None:
    on_time, late = members[chosen[0]], members[chosen[1]]
    record_match(store, on_time, "payer-b", "sensitive", OPEN, datetime.now(UTC))
    record_match(store, late, "payer-b", "sensitive", OPEN, datetime.now(UTC) - timedelta(days=10))
    data = MemberDataStore(fhir, PAYER)
    released = release_everything(store, data, ask(on_time, count=1000), BASE, TODAY)
    event = search_events(store, Criteria(member_key=on_time)).events[-1]
    assert (event["action"], event["outcome"], event["partner_id"]) == ("member_data.release", "success", "payer-b")
    assert event["response_sha256"] == hashlib.sha256(released.body).hexdigest()
    assert event["correlation_id"] == "corr-release-0001"
    details = event["details"]
    assert details["resources"] == len(entries(released)) and details["resources_patient"] == 1
    assert details["resources_condition"] == released.counts["Condition"]
    assert details["answered_within_one_business_day"] is True
    release_everything(store, data, ask(late), BASE, TODAY)
    assert (
        search_events(store, Criteria(member_key=late)).events[-1]["details"]["answered_within_one_business_day"]
        is False
    )


def test_a_retired_member_key_is_followed_to_its_successor(
    store: GraphStore, fhir: Path, chosen: list[str], members: dict[str, str]
) -> None:
    first, second = members[chosen[0]], members[chosen[1]]
    merge(store, [first, second], "ana", "same person")
    survivor = store.read("identity/current_members", {"record_ids": [chosen[0]]})[0]["member_key"]
    retired = first if survivor == second else second
    assert retired != survivor
    record_match(store, retired, "payer-b", "sensitive", OPEN, datetime.now(UTC))
    released = release_everything(store, MemberDataStore(fhir, PAYER), ask(retired, count=1000), BASE, TODAY)
    assert released.member_key == survivor
    assert set(entries(released)) == expected(fhir, [chosen[0], chosen[1]], sensitive_too=True)


def test_the_store_reads_only_our_own_payer(fhir: Path, chosen: list[str]) -> None:
    selection = Selection(chosen, (), date(2000, 1, 1), rules.UNDATED_TYPES)
    assert list(MemberDataStore(fhir, PAYER).resources(selection))
    assert not list(MemberDataStore(fhir, "payer-b").resources(selection)), "payer-a's records are not payer-b's"
    assert not list(MemberDataStore(fhir / "missing", PAYER).resources(selection))
