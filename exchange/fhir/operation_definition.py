"""An operation as we serve it, written as a FHIR R4 ``OperationDefinition``: its parameters are the
ones our parser reads, neither more nor fewer. FHIR R4 (CapabilityStatement.rest.resource.operation
.definition): a server that references a published definition claims all of it; one that supports a
part of it (or other parameters) publishes its own definition with the published one as ``base``, and
its CapabilityStatement points there. ``operations.py`` declares ours. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str  # a FHIR type: string, code, instant, canonical, Reference, integer, unsignedInt, Bundle, ...
    documentation: str
    min: int = 0
    max: str = "1"
    use: str = "in"


@dataclass(frozen=True)
class Operation:
    id: str
    code: str
    title: str
    description: str
    parameters: tuple[Parameter, ...]
    resource: tuple[str, ...] = ()  # empty: a system-level operation
    instance: bool = False
    type: bool = False
    affects_state: bool = False
    base: str | None = None  # the published definition this one is a part (or a variant) of

    @property
    def inputs(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.parameters if p.use == "in")

    def url(self, fhir_base_url: str) -> str:
        return f"{fhir_base_url.rstrip('/')}/OperationDefinition/{self.id}"

    def resource_json(self, fhir_base_url: str) -> dict[str, Any]:
        definition: dict[str, Any] = {
            "resourceType": "OperationDefinition", "id": self.id, "url": self.url(fhir_base_url),
            "name": "".join(part.capitalize() for part in self.code.split("-")), "title": self.title,
            "status": "active", "kind": "operation", "description": self.description,
            "affectsState": self.affects_state, "code": self.code,
            "system": not self.resource, "type": self.type, "instance": self.instance,
            "parameter": [{"name": p.name, "use": p.use, "min": p.min, "max": p.max, "type": p.type,
                           "documentation": p.documentation} for p in self.parameters],
        }  # fmt: skip
        if self.resource:
            definition["resource"] = list(self.resource)
        if self.base:
            definition["base"] = self.base
        return definition
