"""The searchset Bundle ``$everything`` answers with, written straight to bytes: each stored
resource's JSON text is placed in its entry as it is, so a page of thousands of resources is
not parsed and serialised again."""

from __future__ import annotations

import json
from collections.abc import Sequence
from urllib.parse import urlencode

from exchange.member_data.store import StoredResource
from exchange.member_match.response import REASON_SYSTEM


def page_link(base: str, query: dict[str, str]) -> str:
    return f"{base}?{urlencode(query)}" if query else base


def searchset_bytes(fhir_base_url: str, resources: Sequence[StoredResource], links: dict[str, str]) -> bytes:
    base = fhir_base_url.rstrip("/")
    head = {
        "resourceType": "Bundle",
        "type": "searchset",
        "link": [{"relation": r, "url": u} for r, u in links.items()],
    }
    parts = [json.dumps(head, separators=(",", ":"))[:-1], ',"entry":[']
    for i, r in enumerate(resources):
        wrapper = json.dumps({"fullUrl": f"{base}/{r.resource_type}/{r.resource_id}"}, separators=(",", ":"))
        parts.append(
            ("," if i else "") + wrapper[:-1] + ',"resource":' + r.resource_json + ',"search":{"mode":"match"}}'
        )
    parts.append("]}")
    return "".join(parts).encode()


def refusal_bytes(reason: str, message: str) -> bytes:
    """An OperationOutcome refusing the release, its normalised reason coded as ``$member-match`` codes them."""
    issue = {"severity": "error", "code": "forbidden", "diagnostics": f"{message} (reason {reason})",
             "details": {"coding": [{"system": REASON_SYSTEM, "code": reason}], "text": message}}  # fmt: skip
    return json.dumps({"resourceType": "OperationOutcome", "issue": [issue]}, separators=(",", ":")).encode()
