"""Malformed or non-conformant FHIR input: every problem found, each with where it is."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Issue:
    expression: str  # FHIRPath-like location, e.g. Parameters.parameter[0].resource.birthDate
    message: str
    code: str = "invalid"  # OperationOutcome issue code: invalid, structure, required, value, business-rule


class FhirInputError(ValueError):
    """The request is not acceptable FHIR for the operation (HTTP 400)."""

    def __init__(self, issues: list[Issue]) -> None:
        super().__init__("; ".join(f"{i.expression}: {i.message}" for i in issues))
        self.issues = issues
