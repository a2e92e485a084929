"""One bulk pull as the new payer: our members' MemberBundles built from our own records (the
demographics our single ``$member-match`` sends), then the durable pull (``pull_job``): the bulk
match, the export of the matched Group, every file verified before anything is recorded, each
member's data ingested once with its provenance."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx

from exchange.bulk.pull import Partner, PullReport
from exchange.bulk.pull_job import PullRun, run_pull
from exchange.bulk.pull_state import default_holder
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
         deadline_s: float = 600, lease_s: float = 60, holder: str | None = None) -> PullReport:  # fmt: skip
    """The pull ``transfer_id`` run, or resumed where it stopped (``pull_job``); ``PullBusy`` while
    another process (``holder``: this one's name in the lease) runs it."""
    return run_pull(PullRun(store, data_dir, http, partner, transfer_id, correlation_id, bundles,
                            export_query or {}, deadline_s, holder=holder or default_holder(),
                            lease_length=timedelta(seconds=lease_s)))  # fmt: skip
