"""FHIR R4 datatypes the exchange reads. Elements we do not use are allowed and ignored;
the ones we use are typed and checked (FHIR's own regular expressions for dates)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

# FHIR R4 primitive regexes (https://hl7.org/fhir/R4/datatypes.html)
FHIR_DATE = r"^([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1]))?)?$"
FHIR_DATETIME = (
    r"^([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]|3[0-1])"
    r"(T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)((0[0-9]|1[0-3]):[0-5][0-9]|14:00)))?)?)?$"
)
FhirString = Annotated[str, StringConstraints(min_length=1, max_length=10_000)]
FhirDate = Annotated[str, StringConstraints(pattern=FHIR_DATE)]
# An identifier's system and value. FHIR sets no length, but a CoverageToLink's key what a match records
# (PartnerCoverage.coverage_key = partner|system|value, a unique index whose entries Neo4j caps near 8 KB:
# two of these at up to 4 bytes a character stay under it), and no real identifier comes close.
IdentifierString = Annotated[str, StringConstraints(min_length=1, max_length=1000)]
FhirDateTime = Annotated[str, StringConstraints(pattern=FHIR_DATETIME)]


def calendar_date(value: str) -> date | None:
    """The calendar date of a full FHIR date or dateTime (None for a partial one like 1974-12)."""
    if len(value) < 10:
        return None
    return date.fromisoformat(value[:10])


class Element(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True, populate_by_name=True)


class Coding(Element):
    system: FhirString | None = None
    code: FhirString | None = None
    display: FhirString | None = None


class CodeableConcept(Element):
    coding: list[Coding] = Field(default_factory=list)
    text: FhirString | None = None

    def has(self, system: str, code: str) -> bool:
        return any(c.system == system and c.code == code for c in self.coding)


class Period(Element):
    start: FhirDateTime | None = None
    end: FhirDateTime | None = None

    @field_validator("start", "end")
    @classmethod
    def _real_date(cls, value: str | None) -> str | None:
        if value is not None and len(value) >= 10:
            calendar_date(value)  # raises on 2023-02-30
        return value


class Identifier(Element):
    use: FhirString | None = None
    type: CodeableConcept | None = None
    system: IdentifierString | None = None
    value: IdentifierString | None = None
    assigner: Reference | None = None

    def typed(self, system: str, code: str) -> bool:
        return self.type is not None and self.type.has(system, code)


class Reference(Element):
    reference: FhirString | None = None
    identifier: Identifier | None = None
    display: FhirString | None = None


class HumanName(Element):
    use: FhirString | None = None
    family: FhirString | None = None
    given: list[FhirString] = Field(default_factory=list)
    suffix: list[FhirString] = Field(default_factory=list)
    period: Period | None = None


class Address(Element):
    use: FhirString | None = None
    line: list[FhirString] = Field(default_factory=list)
    city: FhirString | None = None
    state: FhirString | None = None
    postalCode: FhirString | None = None
    period: Period | None = None


class ContactPoint(Element):
    system: FhirString | None = None
    value: FhirString | None = None
    use: FhirString | None = None


class Extension(Element):
    url: FhirString
    valueCode: FhirString | None = None


Identifier.model_rebuild()
