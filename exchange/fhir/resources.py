"""The FHIR R4 resources of ``$member-match``: Parameters, Patient, Coverage, Consent."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from exchange.fhir.datatypes import (
    Address,
    CodeableConcept,
    ContactPoint,
    Element,
    Extension,
    FhirDate,
    FhirString,
    HumanName,
    Identifier,
    Period,
    Reference,
    calendar_date,
)

FHIR_ID = r"^[A-Za-z0-9\-\.]{1,64}$"


class Resource(Element):
    resourceType: str
    id: str | None = Field(None, pattern=FHIR_ID)


class Patient(Resource):
    resourceType: Literal["Patient"]
    identifier: list[Identifier] = Field(default_factory=list)
    name: list[HumanName] = Field(default_factory=list)
    gender: Literal["male", "female", "other", "unknown"] | None = None
    birthDate: FhirDate | None = None
    address: list[Address] = Field(default_factory=list)
    telecom: list[ContactPoint] = Field(default_factory=list)
    extension: list[Extension] = Field(default_factory=list)

    @field_validator("birthDate")
    @classmethod
    def _real_date(cls, value: str | None) -> str | None:
        if value is not None:
            calendar_date(value)  # raises on 1974-02-30
        return value


class CoverageClass(Element):
    type: CodeableConcept
    value: FhirString
    name: FhirString | None = None


class Coverage(Resource):
    resourceType: Literal["Coverage"]
    identifier: list[Identifier] = Field(default_factory=list)
    status: FhirString | None = None
    subscriberId: FhirString | None = None
    beneficiary: Reference | None = None
    payor: list[Reference] = Field(default_factory=list)
    period: Period | None = None
    relationship: CodeableConcept | None = None
    classes: list[CoverageClass] = Field(default_factory=list, alias="class")


class ConsentPolicy(Element):
    uri: FhirString | None = None
    authority: FhirString | None = None


class ConsentActor(Element):
    role: CodeableConcept
    reference: Reference


class ConsentProvision(Element):
    type: Literal["deny", "permit"] | None = None
    period: Period | None = None
    actor: list[ConsentActor] = Field(default_factory=list)
    action: list[CodeableConcept] = Field(default_factory=list)


class Consent(Resource):
    resourceType: Literal["Consent"]
    status: FhirString | None = None
    scope: CodeableConcept | None = None
    category: list[CodeableConcept] = Field(default_factory=list)
    patient: Reference | None = None
    performer: list[Reference] = Field(default_factory=list)
    policy: list[ConsentPolicy] = Field(default_factory=list)
    provision: ConsentProvision | None = None


class Parameter(Element):
    name: FhirString
    resource: dict[str, Any] | None = None


class Parameters(Resource):
    resourceType: Literal["Parameters"]
    parameter: list[Parameter] = Field(default_factory=list)
