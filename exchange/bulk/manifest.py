"""The Bulk Data completion manifest of an export, and the OperationOutcome lines of its error
file (one per member refused at export time). Pure."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

REASON_SYSTEM = "urn:payer-exchange:reason"
SHA256_EXTENSION = "urn:payer-exchange:sha256"


@dataclass(frozen=True)
class ExportFile:
    resource_type: str
    sha256: str  # of the file's bytes; the file is named <sha256>.ndjson
    count: int  # lines (resources)
    bytes: int

    @property
    def name(self) -> str:
        return f"{self.sha256}.ndjson"


@dataclass(frozen=True)
class Refused:
    member_key: str
    reason: str  # a consent refusal code (consent_period_ended, ...)


def _entry(f: ExportFile, files_url: str) -> dict[str, Any]:
    return {"type": f.resource_type, "url": f"{files_url}/{f.name}", "count": f.count,
            "extension": {SHA256_EXTENSION: f.sha256}}  # fmt: skip


def manifest(
    transaction_time: str, request_url: str, files_url: str, output: Sequence[ExportFile], error: Sequence[ExportFile]
) -> dict[str, Any]:
    """Bulk Data STU2: ``transactionTime``, ``request``, ``requiresAccessToken`` and the files,
    each with its type, URL, count and sha256 (the name it is stored under)."""
    return {
        "transactionTime": transaction_time,
        "request": request_url,
        "requiresAccessToken": True,
        "output": [_entry(f, files_url) for f in output],
        "error": [_entry(f, files_url) for f in error],
    }


def refusal_line(refused: Refused) -> bytes:
    """One OperationOutcome (one NDJSON line) for a member whose data is not exported."""
    text = "the member's consent to this partner does not hold at export time"
    issue = {
        "severity": "error",
        "code": "forbidden",
        "details": {"coding": [{"system": REASON_SYSTEM, "code": refused.reason}], "text": text},
        "diagnostics": f"Patient/{refused.member_key}: {text} ({refused.reason})",
        "expression": [f"Patient/{refused.member_key}"],
    }
    return json.dumps({"resourceType": "OperationOutcome", "issue": [issue]}, separators=(",", ":")).encode() + b"\n"
