"""Over real HTTP, payer B at payer A: ``$bulk-member-match`` takes bodies up to its own limit
(``P2P_BULK_MAX_BODY_BYTES``, here made small) while every other route keeps the general one, and
``$davinci-data-export`` with ``_typeFilter`` releases exactly the resources its queries select."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from graph.store import GraphStore
from matching.linkage import jobs
from p2p.settings import Settings
from tests.support.bulk import TODAY, poll
from tests.support.bulk_http import FHIR, b_bearer_at_a, bulk_match, bundle_for, download, export, manifest_of
from tests.support.two_payers import PEOPLE, Person, TwoPayers, resource_row, two_payers, write_member_data

pytestmark = pytest.mark.integration
GENERAL, BULK = 8192, 32768  # bytes: P2P_API_MAX_BODY_BYTES and P2P_BULK_MAX_BODY_BYTES of payer A here
CUTOFF = 250  # days back


def is_lab(n: int) -> bool:
    return n % 3 != 2


def code_of(n: int) -> str:
    return "8867-4" if n in (2, 3) else "2345-7"


def history() -> list[dict[str, Any]]:
    """Six encounters and six observations of each of two people, 100 days apart."""
    rows = []
    for p in PEOPLE[:2]:
        for n in range(6):
            day = TODAY - timedelta(days=100 * n + 5)
            category = "laboratory" if is_lab(n) else "vital-signs"
            rows.append(resource_row(p, "Encounter", n, day, False, status="finished" if n % 2 == 0 else "cancelled",
                                     period={"start": day.isoformat()}))  # fmt: skip
            rows.append(resource_row(p, "Observation", n, day, False, status="final", effectiveDateTime=day.isoformat(),
                                     category=[{"coding": [{"code": category}]}],
                                     code={"coding": [{"system": "http://loinc.org", "code": code_of(n)}]}))  # fmt: skip
    return rows


@pytest.fixture
def payers_small(graphs: tuple[GraphStore, GraphStore], settings_a: Settings, settings_b: Settings,
                 trained_model: jobs.TrainResult, tmp_path: Path) -> Iterator[TwoPayers]:  # fmt: skip
    overrides = {"api_max_body_bytes": GENERAL, "bulk_max_body_bytes": BULK,
                 "member_data_dir": write_member_data(tmp_path / "member-data", history())}  # fmt: skip
    with two_payers(settings_a, settings_b, *graphs, trained_model, a_overrides=overrides) as t:
        yield t


@pytest.fixture
def http_a(payers_small: TwoPayers) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=payers_small.url_a, timeout=30) as http:
        yield http


def body_of(count: int) -> bytes:
    strangers = [Person(f"9{i}", "Zed", f"Nobody{i}", "1950-01-01", "M") for i in range(count)]
    body = {"resourceType": "Parameters", "parameter": [bundle_for(p) for p in strangers]}
    return json.dumps(body, separators=(",", ":")).encode()


def too_large(response: httpx.Response) -> bool:
    outcome = response.json()
    return (response.status_code == 413 and outcome["resourceType"] == "OperationOutcome"
            and outcome["issue"][0]["code"] == "too-costly")  # fmt: skip


def test_the_bulk_match_route_takes_bodies_up_to_its_own_limit_and_no_other_route_does(
    payers_small: TwoPayers, http_a: httpx.Client
) -> None:
    auth = b_bearer_at_a(payers_small, http_a)
    count = max(n for n in range(1, 40) if len(body_of(n)) <= BULK)
    fits, over = body_of(count), body_of(count + 1)
    assert GENERAL < len(fits) <= BULK < len(over)

    started = http_a.post("/fhir/Group/$bulk-member-match", content=fits, headers={**auth, **FHIR})
    assert started.status_code == 202, started.text
    done, _ = poll(http_a, started.headers["Content-Location"], auth)
    result = {p["name"]: p["resource"] for p in done.json()["parameter"]}
    assert len(result["NonMatchedMembers"]["member"]) == count  # every member of the body was decided

    announced = http_a.post("/fhir/Group/$bulk-member-match", content=over, headers={**auth, **FHIR})
    chunks = (over[i : i + 4096] for i in range(0, len(over), 4096))  # no Content-Length: refused mid-stream
    streamed = http_a.post("/fhir/Group/$bulk-member-match", content=chunks, headers={**auth, **FHIR})
    elsewhere = http_a.post("/fhir/Patient/$member-match", content=fits, headers={**auth, **FHIR})
    export_body = http_a.post("/fhir/Group/g-1/$davinci-data-export", content=fits, headers={**auth, **FHIR})
    assert all(too_large(r) for r in (announced, streamed, elsewhere, export_body))
    assert str(BULK) in announced.json()["issue"][0]["diagnostics"]
    assert str(GENERAL) in elsewhere.json()["issue"][0]["diagnostics"]


def test_an_export_with_type_filters_holds_exactly_the_resources_they_select(
    payers_small: TwoPayers, http_a: httpx.Client
) -> None:
    auth = b_bearer_at_a(payers_small, http_a)
    group_id = bulk_match(http_a, auth, [bundle_for(p) for p in PEOPLE[:2]])["MatchedMembers"]["id"]
    since = (TODAY - timedelta(days=CUTOFF)).isoformat()
    filters = [f"Observation?category=laboratory&date=ge{since}", "Observation?code=http://loinc.org|8867-4",
               "Encounter?status=finished", "Condition?clinical-status=active"]  # fmt: skip
    started = http_a.post(f"/fhir/Group/{group_id}/$davinci-data-export", headers={**auth, **FHIR},
                          params=[("exportType", "hl7.fhir.us.davinci-pdex#payertopayer"),
                                  ("_type", "Encounter,Observation"), *[("_typeFilter", f) for f in filters]])  # fmt: skip
    files = download(http_a, auth, manifest_of(http_a, auth, started)["output"])

    def ids(kind: str, selected: Any) -> set[str]:
        return {f"A-{p.key}-{kind.lower()}-{n}" for p in PEOPLE[:2] for n in range(6) if selected(n)}

    assert set(files) == {"Encounter", "Observation"}  # Condition is not in _type: its query brings none back
    assert {r["id"] for r in files["Observation"]} == ids(
        "Observation", lambda n: (is_lab(n) and 100 * n + 5 <= CUTOFF) or code_of(n) == "8867-4"
    )
    assert {r["id"] for r in files["Encounter"]} == ids("Encounter", lambda n: n % 2 == 0)

    refused = export(http_a, auth, group_id, _typeFilter="Observation?value-quantity=gt5")
    assert refused.status_code == 400 and refused.json()["resourceType"] == "OperationOutcome"
    issue = refused.json()["issue"][0]
    assert issue["code"] == "not-supported" and "value-quantity" in issue["diagnostics"]
