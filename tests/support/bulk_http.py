"""Bulk exchange over HTTP between the two test payers: payer B's bearer at payer A, MemberBundles
for the test people, a bulk match polled to its result, an export kick-off, its manifest, and its
files downloaded and checked against the hashes they are named by."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import Any

import httpx

from exchange.bulk.pull_flow import our_member_bundle
from exchange.member_match.outbound import Card
from exchange.transfers.partners import endpoint
from security.client import SmartClient
from security.keys import load_signing_key
from tests.support.bulk import TODAY, grant, member_bundle, org, poll
from tests.support.partners import bearer
from tests.support.two_payers import A_NPI, B_NPI, Person, TwoPayers, a_member_id, member_key_of

FHIR = {"Content-Type": "application/fhir+json", "Prefer": "respond-async"}
EXPORT = "hl7.fhir.us.davinci-pdex#payertopayer"
BULK_SCOPES = "system/Group.bulk-member-match system/Group.export"


def b_bearer_at_a(payers: TwoPayers, http_a: httpx.Client) -> dict[str, str]:
    """Payer B's bearer at payer A, obtained with B's own key (SMART Backend Services)."""
    at_a = endpoint(payers.store_b, "payer-a")
    client = SmartClient(http_a, load_signing_key(payers.b), token_url=at_a.token_url, client_id=at_a.client_id,
                         scope=BULK_SCOPES)  # fmt: skip
    return bearer(client.token())


def bundle_for(p: Person, *, sensitive: bool = False, recipient: str = B_NPI, days: int = 365,
               patient_id: str | None = None) -> dict[str, Any]:  # fmt: skip
    demographics: dict[str, str | None] = {"first_name": p.first, "last_name": p.last, "dob": p.dob, "sex": p.sex,
                                           "zip": "45200"}  # fmt: skip
    previous = Card(org(A_NPI), member_id=a_member_id(p), start=TODAY - timedelta(days=900))
    ours = Card(org(B_NPI), member_id=f"B{p.key}0001", start=TODAY - timedelta(days=3))
    return member_bundle(patient_id or f"b-{p.key}", demographics, previous, ours,
                         grant(org(A_NPI), org(recipient), sensitive=sensitive, days=days))  # fmt: skip


def bulk_match(http: httpx.Client, auth: dict[str, str], bundles: list[dict[str, Any]]) -> dict[str, Any]:
    body = {"resourceType": "Parameters", "parameter": bundles}
    started = http.post("/fhir/Group/$bulk-member-match", json=body, headers={**auth, **FHIR})
    assert started.status_code == 202, started.text
    done, waiting = poll(http, started.headers["Content-Location"], auth)
    assert done.status_code == 200, done.text
    for answer in waiting:  # while it runs: where it is and when to ask again
        assert answer.headers["X-Progress"] and int(answer.headers["Retry-After"]) > 0
    result: dict[str, Any] = done.json()
    return {p["name"]: p["resource"] for p in result["parameter"]}


def export(http: httpx.Client, auth: dict[str, str], group_id: str, **params: str) -> httpx.Response:
    query = {"exportType": EXPORT, **params}
    return http.post(f"/fhir/Group/{group_id}/$davinci-data-export", params=query, headers={**auth, **FHIR})


def manifest_of(http: httpx.Client, auth: dict[str, str], started: httpx.Response) -> dict[str, Any]:
    assert started.status_code == 202, started.text
    done, _ = poll(http, started.headers["Content-Location"], auth)
    assert done.status_code == 200, done.text
    body: dict[str, Any] = done.json()
    return body


def download(http: httpx.Client, auth: dict[str, str], entries: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:  # fmt: skip
    """Every file of the manifest entries, checked against the hash it is named by."""
    out: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        response = http.get(entry["url"], headers=auth)
        assert response.status_code == 200, response.text
        digest = hashlib.sha256(response.content).hexdigest()
        assert entry["url"].endswith(f"/{digest}.ndjson") and entry["extension"]["urn:payer-exchange:sha256"] == digest
        lines = [json.loads(line) for line in response.content.splitlines()]
        assert len(lines) == entry["count"]
        out.setdefault(entry["type"], []).extend(lines)
    return out


def our_bundles(payers: TwoPayers, people: list[Person]) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """B's member keys of ``people`` and the MemberBundles B's pull sends A for them (each
    previously covered at A, newly at B, with an opt-in consent)."""
    ours = {p.key: member_key_of(payers.store_b, f"B-{p.key}") for p in people}
    bundles = []
    for p in people:
        previous = Card(org(A_NPI), member_id=a_member_id(p), start=TODAY - timedelta(days=900))
        new = Card(org(B_NPI), member_id=f"B{p.key}0001", start=TODAY - timedelta(days=3))
        bundle = our_member_bundle(payers.store_b, "payer-b", ours[p.key], previous, new, grant(org(A_NPI), org(B_NPI)))
        assert bundle is not None
        bundles.append(bundle)
    return ours, bundles
