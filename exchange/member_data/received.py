"""What a new payer accepts as received member data: a FHIR ``Bundle`` whose entries each hold
a resource with a ``resourceType``, or a plain list of such resources. Checked in full before
anything is written; the resources are grouped by type, in the order received, as NDJSON lines.
Pure: pydantic only, no I/O."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from exchange.fhir.errors import Issue

RESOURCE_TYPE = r"^[A-Z][A-Za-z]{1,63}$"


class Resource(BaseModel):
    model_config = ConfigDict(extra="allow")

    resourceType: str = Field(pattern=RESOURCE_TYPE)


class Entry(BaseModel):
    model_config = ConfigDict(extra="allow")

    resource: Resource


class Bundle(BaseModel):
    model_config = ConfigDict(extra="allow")

    resourceType: str = Field(pattern=r"^Bundle$")
    entry: list[Entry] = Field(default_factory=list)


_RESOURCES = TypeAdapter(list[Resource])


class ReceivedDataError(ValueError):
    """Received data that is not FHIR as we accept it; nothing was written."""

    def __init__(self, issues: list[Issue]) -> None:
        super().__init__("; ".join(f"{i.expression}: {i.message}" for i in issues))
        self.issues = issues


def _issues(exc: ValidationError, root: str) -> list[Issue]:
    return [
        Issue(
            ".".join([root, *(str(p) for p in e["loc"])]), e["msg"], "required" if e["type"] == "missing" else "invalid"
        )
        for e in exc.errors()
    ]


def resources_of(payload: Any) -> list[dict[str, Any]]:
    """The resources of a Bundle (or of a list of resources); ``ReceivedDataError`` naming every problem."""
    try:
        if isinstance(payload, list):
            return [r.model_dump() for r in _RESOURCES.validate_python(payload)]
        if isinstance(payload, dict):
            return [e.resource.model_dump() for e in Bundle.model_validate(payload).entry]
    except ValidationError as exc:
        raise ReceivedDataError(_issues(exc, "Bundle" if isinstance(payload, dict) else "resources")) from None
    raise ReceivedDataError([Issue("Bundle", "expected a FHIR Bundle or a list of resources", "structure")])


def ndjson_by_type(resources: list[dict[str, Any]]) -> dict[str, bytes]:
    """One NDJSON document per resource type (compact JSON, one resource a line, in the order received)."""
    lines: dict[str, list[str]] = {}
    for resource in resources:
        text = json.dumps(resource, separators=(",", ":"), ensure_ascii=False)
        lines.setdefault(resource["resourceType"], []).append(text)
    return {kind: ("\n".join(texts) + "\n").encode() for kind, texts in sorted(lines.items())}
