"""Validate loaded extracts with pydantic: invalid values are nulled and reported, unusable
rows are rejected with reason codes, and nothing is dropped silently
(rows in = accepted + rejected)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pyarrow as pa
from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator, model_validator

from matching.canonical import cleaning
from matching.canonical.loader import ROW_NUMBER, LoadedExtract
from matching.canonical.schema import CANONICAL_COLUMNS, RECORD_ID

MISSING_RECORD_ID = "missing_record_id"
DUPLICATE_RECORD_ID = "duplicate_record_id"
MALFORMED_ROW = "malformed_row"

_RULES: dict[str, Callable[[str], cleaning.Cleaned]] = {
    "zip": cleaning.zip_code,
    "phone": cleaning.phone,
    "email": cleaning.email,
    "ssn": cleaning.ssn,
    "sex": cleaning.sex,
    "relationship": cleaning.relationship,
    "state": cleaning.state,
}


@dataclass(frozen=True)
class ValueIssue:
    row: int
    record_id: str
    column: str
    reason: str
    value: str


@dataclass(frozen=True)
class RejectedRow:
    row: int
    record_id: str | None
    reason: str
    values: dict[str, str | None]


class CanonicalRecord(BaseModel):
    """One source record after validation. Every field but record_id is optional."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    record_id: str
    payer_id: str | None = None
    source_system: str | None = None
    member_id: str | None = None
    subscriber_id: str | None = None
    relationship: str | None = None
    first_name: str | None = None
    middle_name: str | None = None
    last_name: str | None = None
    suffix: str | None = None
    dob: str | None = None
    sex: str | None = None
    address_line1: str | None = None
    address_line2: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    phone: str | None = None
    email: str | None = None
    ssn: str | None = None
    coverage_start: str | None = None
    coverage_end: str | None = None

    @field_validator("*", mode="before")
    @classmethod
    def _clean(cls, value: Any, info: ValidationInfo) -> str | None:
        raw = cleaning.text(value)
        if raw is None or info.field_name == RECORD_ID:
            return raw
        context = info.context or {}
        column = info.field_name or ""
        if column == "dob":
            cleaned, reason = cleaning.dob(raw, context.get("today", date.today()))
        elif column in ("coverage_start", "coverage_end"):
            cleaned, reason = cleaning.coverage_date(raw, column)
        elif column in _RULES:
            cleaned, reason = _RULES[column](raw)
        else:
            return raw
        if reason is not None and "issues" in context:
            context["issues"].append((column, reason, raw))
        return cleaned

    @model_validator(mode="after")
    def _coverage_in_order(self, info: ValidationInfo) -> CanonicalRecord:
        if self.coverage_start and self.coverage_end and self.coverage_end < self.coverage_start:
            context = info.context or {}
            if "issues" in context:
                context["issues"].append(("coverage_end", "coverage_end_before_start", self.coverage_end))
            object.__setattr__(self, "coverage_end", None)
        return self


@dataclass
class ValidationResult:
    accepted: pa.Table  # validated canonical columns present in the input, plus ROW_NUMBER
    rejected: list[RejectedRow] = field(default_factory=list)
    issues: list[ValueIssue] = field(default_factory=list)
    rows_in: int = 0
    ignored_columns: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {
            "rows_in": self.rows_in,
            "accepted": self.accepted.num_rows,
            "rejected": len(self.rejected),
            "rejected_by_reason": dict(sorted(Counter(r.reason for r in self.rejected).items())),
            "values_nulled": len(self.issues),
            "values_nulled_by_reason": dict(sorted(Counter(i.reason for i in self.issues).items())),
            "ignored_columns": self.ignored_columns,
        }


def validate_extract(extract: LoadedExtract, today: date | None = None) -> ValidationResult:
    today = today or date.today()
    columns = extract.columns
    rows = extract.table.to_pylist()
    id_counts = Counter(cleaning.text(r.get(RECORD_ID)) for r in rows)
    accepted: list[dict[str, Any]] = []
    result = ValidationResult(
        accepted=pa.table({}), rows_in=len(rows) + len(extract.malformed), ignored_columns=extract.ignored_columns
    )
    for bad in extract.malformed:
        result.rejected.append(RejectedRow(bad.row, bad.values.get(RECORD_ID), MALFORMED_ROW, dict(bad.values)))
    for row in rows:
        number = row.pop(ROW_NUMBER)
        record_id = cleaning.text(row.get(RECORD_ID))
        if record_id is None or id_counts[record_id] > 1:
            reason = MISSING_RECORD_ID if record_id is None else DUPLICATE_RECORD_ID
            result.rejected.append(RejectedRow(number, record_id, reason, row))
            continue
        found: list[tuple[str, str, str]] = []
        record = CanonicalRecord.model_validate(row, context={"issues": found, "today": today})
        result.issues.extend(ValueIssue(number, record_id, col, reason, raw) for col, reason, raw in found)
        clean = record.model_dump(include=set(columns))
        clean[ROW_NUMBER] = number
        accepted.append(clean)
    result.rejected.sort(key=lambda r: r.row)
    schema = pa.schema([(c, pa.string()) for c in CANONICAL_COLUMNS if c in columns] + [(ROW_NUMBER, pa.int64())])
    result.accepted = pa.Table.from_pylist(accepted, schema=schema)
    return result
