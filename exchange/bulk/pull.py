"""The new payer's side of a bulk exchange: ask the previous payer to match our members in
bulk (``$bulk-member-match``), export the matched Group (``$davinci-data-export``), download
every file and check it against the sha256 it is named by, then record each member's data
with its provenance ("received from payer X in transfer T") through the received-data ingest
(``write_received`` + ``ingest_in``). These are the calls to the previous payer and what is read from
its answers; ``pull_steps`` and ``pull_job`` run them durably, one process at a time.
Content-addressed files and a MERGE on (transfer, sha256) make a repeated pull (or a
re-downloaded file) change nothing.

The Patient id we send for each member is our member key, so the matched Group maps the
previous payer's member key (``member.entity``) back to ours (its match-parameters extension);
the export names every resource's member by that key (``Patient/<key>``)."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from exchange.bulk.groups import MATCH_PARAMETERS_EXT
from exchange.bulk.manifest import SHA256_EXTENSION
from exchange.domain.bulk_pull import forgotten

FHIR = {"Content-Type": "application/fhir+json", "Accept": "application/fhir+json", "Prefer": "respond-async"}
MEMBER_REFERENCES = ("subject", "patient", "beneficiary")


class PullError(RuntimeError):
    """The previous payer's answer cannot be used (``reason``: a code; ``status``: its HTTP status when
    it answered); nothing was recorded."""

    def __init__(self, reason: str, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.status = status


class JobForgotten(PullError):
    """The previous payer no longer has the job (404 or 410 for its status URL or one of its files)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__("job_forgotten", message, status)


@dataclass(frozen=True)
class Partner:
    partner_id: str
    fhir_base_url: str
    token: Callable[[], str]  # a valid access token for the partner (security.client.SmartClient.token)

    def headers(self, **more: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token()}", **more}


@dataclass
class PullReport:
    matched: int = 0
    not_matched: int = 0
    files: int = 0
    resources: int = 0
    ingested_files: int = 0  # newly recorded (0 when the same data was pulled before)
    refused_members: int = 0  # in the export's error file
    unattributed: int = 0  # resources naming no member of the Group (never ingested)
    group_id: str = ""
    members: dict[str, str] = field(default_factory=dict)  # their member key -> ours


def kick_off(http: httpx.Client, partner: Partner, path: str, key: str | None = None, **kwargs: Any) -> str:
    """POST a kick-off; its status URL. With ``key`` (an ``Idempotency-Key``), a kick-off sent again
    after its answer was lost names the job the first one started."""
    headers = partner.headers(**FHIR, **({"Idempotency-Key": key} if key else {}))
    response = http.post(f"{partner.fhir_base_url}{path}", headers=headers, **kwargs)
    location = response.headers.get("Content-Location")
    if response.status_code != 202 or not location:
        raise PullError("kick_off_refused", f"{path}: HTTP {response.status_code}", response.status_code)
    return str(location)


def wait(http: httpx.Client, partner: Partner, status_url: str, deadline_s: float,
         sleep: Callable[[float], None] = time.sleep) -> httpx.Response:  # fmt: skip
    """Poll until the job is done, waiting what ``Retry-After`` asks (at most 10 s a time); a 404 or
    410 is ``JobForgotten``, any other answer but 200 and 202 fails the job."""
    deadline = time.monotonic() + deadline_s
    while True:
        response = http.get(status_url, headers=partner.headers())
        if response.status_code != 202:
            if forgotten(response.status_code):
                raise JobForgotten(f"{status_url}: HTTP {response.status_code}", response.status_code)
            if response.status_code != 200:
                raise PullError("job_failed", f"{status_url}: HTTP {response.status_code}", response.status_code)
            return response
        if time.monotonic() > deadline:
            raise PullError("job_too_slow", f"{status_url} still running after {deadline_s:.0f} s")
        sleep(min(float(response.headers.get("Retry-After", "1")), 10.0))


def fetch_verified(http: httpx.Client, partner: Partner, entry: dict[str, Any]) -> bytes:
    """A manifest file's bytes, only when their sha256 is the one the file is named and listed by."""
    response = http.get(entry["url"], headers=partner.headers())
    if forgotten(response.status_code):
        raise JobForgotten(f"HTTP {response.status_code} for a file of the manifest", response.status_code)
    if response.status_code != 200:
        raise PullError("file_unavailable", f"HTTP {response.status_code} for a file of the manifest",
                        response.status_code)  # fmt: skip
    digest = hashlib.sha256(response.content).hexdigest()
    listed = (entry.get("extension") or {}).get(SHA256_EXTENSION)
    if not entry["url"].endswith(f"/{digest}.ndjson") or listed not in (None, digest):
        raise PullError("file_hash_mismatch", "a downloaded file does not have the hash it is named by")
    return response.content


def member_map(matched_group: dict[str, Any]) -> dict[str, str]:
    """Their member key -> the Patient id we sent (our member key), from the matched Group."""
    mapping = {}
    for member in matched_group.get("member", []):
        entity = member.get("entity") or {}
        theirs = str(entity.get("reference", "")).removeprefix("Patient/")
        local = next((e["valueReference"]["reference"] for e in entity.get("extension", [])
                      if e.get("url") == MATCH_PARAMETERS_EXT), "")  # fmt: skip
        if theirs and local.startswith("#"):
            mapping[theirs] = local[1:]
    return mapping


def owner_of(resource: dict[str, Any]) -> str | None:
    """The member key a resource names: a Patient's id, else its subject/patient/beneficiary."""
    if resource.get("resourceType") == "Patient":
        return str(resource.get("id") or "") or None
    for name in MEMBER_REFERENCES:
        reference = (resource.get(name) or {}).get("reference") if isinstance(resource.get(name), dict) else None
        if isinstance(reference, str) and reference.startswith("Patient/"):
            return reference.removeprefix("Patient/")
    return None


def by_member(contents: list[bytes], mapping: dict[str, str], report: PullReport) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for content in contents:
        for line in content.splitlines():
            resource = json.loads(line)
            ours = mapping.get(owner_of(resource) or "")
            if ours is None:
                report.unattributed += 1
                continue
            grouped.setdefault(ours, []).append(resource)
            report.resources += 1
    return grouped
