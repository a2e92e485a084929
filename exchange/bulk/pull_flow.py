"""One bulk pull as the new payer, start to end (see ``pull``): our members' MemberBundles
built from our own records (the demographics our single ``$member-match`` sends), the bulk
match, the export of the matched Group, every file verified before anything is recorded,
then each member's data ingested with its provenance."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from exchange.bulk.export_request import PAYER_TO_PAYER
from exchange.bulk.pull import (
    Partner,
    PullError,
    PullReport,
    by_member,
    fetch_verified,
    ingest,
    kick_off,
    member_map,
    wait,
)
from exchange.member_match.outbound import Card, Grant, member_match_parameters
from graph.store import GraphStore


def as_member_bundle(parameters: dict[str, Any], patient_id: str) -> dict[str, Any]:
    """A single ``$member-match`` Parameters body as a MemberBundle whose Patient is ``patient_id``
    (its Coverages and Consent refer to it)."""
    parts = parameters["parameter"]
    local = {"reference": f"Patient/{patient_id}"}
    for part in parts:
        resource = part["resource"]
        if resource["resourceType"] == "Patient":
            resource["id"] = patient_id
        elif resource["resourceType"] == "Coverage":
            resource["beneficiary"] = local
        else:
            resource["patient"], resource["performer"] = local, [local]
    return {"name": "MemberBundle", "part": parts}


def our_member_bundle(store: GraphStore, payer_id: str, member_key: str, previous: Card, ours: Card,
                  grant: Grant) -> dict[str, Any] | None:  # fmt: skip
    """Our member as a MemberBundle (Patient id = our member key), or None without a record here."""
    card = store.read("transfers/member_card", {"member_key": member_key, "payer_id": payer_id,
                                                "member_id": ours.member_id})  # fmt: skip
    if not card:
        return None
    demographics = {k: v for k, v in card[0]["record"].items() if k != "record_id"}
    return as_member_bundle(member_match_parameters(demographics, previous, ours, grant), member_key)


def pull(store: GraphStore, data_dir: Path, http: httpx.Client, partner: Partner, bundles: list[dict[str, Any]],
         transfer_id: str, correlation_id: str, export_query: dict[str, str] | None = None,
         deadline_s: float = 600) -> PullReport:  # fmt: skip
    report = PullReport()
    body = {"resourceType": "Parameters", "parameter": bundles}
    status_url = kick_off(http, partner, "/Group/$bulk-member-match", json=body)
    result = wait(http, partner, status_url, deadline_s).json()
    groups = {p.get("name"): p.get("resource") or {} for p in result.get("parameter", [])}
    matched = groups.get("MatchedMembers")
    if not matched:
        raise PullError("no_matched_group", "the answer has no MatchedMembers Group")
    report.members, report.group_id = member_map(matched), str(matched.get("id", ""))
    report.matched = len(report.members)
    report.not_matched = len(bundles) - report.matched
    if not report.members:
        return report
    params = {"exportType": PAYER_TO_PAYER, **(export_query or {})}
    export_url = kick_off(http, partner, f"/Group/{report.group_id}/$davinci-data-export", params=params)
    manifest = wait(http, partner, export_url, deadline_s).json()
    contents = [fetch_verified(http, partner, entry) for entry in manifest.get("output", [])]
    errors = [fetch_verified(http, partner, entry) for entry in manifest.get("error", [])]
    report.files, report.refused_members = len(contents), sum(c.count(b"\n") for c in errors)
    grouped = by_member(contents, report.members, report)
    report.ingested_files = ingest(store, data_dir, partner.partner_id, grouped, transfer_id, correlation_id)
    return report
