"""Malformed or non-conformant FHIR input: every problem found, each with where it is."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Issue:
    expression: str  # FHIRPath-like location, e.g. Parameters.parameter[0].resource.birthDate
    message: str
    code: str = "invalid"  # OperationOutcome issue code: invalid, structure, required, value, business-rule


class FhirInputError(ValueError):
    """The request cannot be served as sent: 400 unless another status says it better
    (404 unknown resource, 415 wrong media type, 503 nothing to answer with yet)."""

    def __init__(self, issues: list[Issue], status: int = 400) -> None:
        super().__init__("; ".join(f"{i.expression}: {i.message}" for i in issues))
        self.issues = issues
        self.status = status
