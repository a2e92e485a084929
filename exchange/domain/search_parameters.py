"""The FHIR search parameters a ``_typeFilter`` may use, per resource type, and where each one
reads its values in a resource. A defined subset of FHIR R4 search: token parameters on codes,
Codings and CodeableConcepts, and date parameters on the resource's natural date. Pure."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final


class Kind(StrEnum):
    TOKEN = "token"
    DATE = "date"


@dataclass(frozen=True)
class SearchParameter:
    kind: Kind
    paths: tuple[str, ...]  # dotted element paths, tried in order (a choice type's variants)
    end: str | None = None  # a date whose value is a period: the path of its end


def _token(*paths: str) -> SearchParameter:
    return SearchParameter(Kind.TOKEN, paths)


def _date(*paths: str, end: str | None = None) -> SearchParameter:
    return SearchParameter(Kind.DATE, paths, end)


_STATUS, _CODE, _CATEGORY = _token("status"), _token("code"), _token("category")
SEARCH_PARAMETERS: Final[Mapping[str, Mapping[str, SearchParameter]]] = {
    "Patient": {"gender": _token("gender"), "birthdate": _date("birthDate")},
    "Coverage": {"status": _STATUS, "type": _token("type")},
    "ExplanationOfBenefit": {
        "status": _STATUS,
        "type": _token("type"),
        "use": _token("use"),
        "created": _date("created"),
    },
    "Encounter": {
        "status": _STATUS,
        "class": _token("class"),
        "type": _token("type"),
        "date": _date("period.start", end="period.end"),
    },
    "Condition": {
        "category": _CATEGORY,
        "code": _CODE,
        "clinical-status": _token("clinicalStatus"),
        "onset-date": _date("onsetDateTime", "onsetPeriod.start"),
        "recorded-date": _date("recordedDate"),
    },
    "Observation": {
        "category": _CATEGORY,
        "code": _CODE,
        "status": _STATUS,
        "date": _date("effectiveDateTime", "effectivePeriod.start", "effectiveInstant"),
    },
    "Procedure": {"status": _STATUS, "code": _CODE, "date": _date("performedDateTime", "performedPeriod.start")},
    "MedicationDispense": {
        "status": _STATUS,
        "code": _token("medicationCodeableConcept"),
        "whenhandedover": _date("whenHandedOver"),
    },
}


def values_at(resource: Mapping[str, Any], path: str) -> Iterator[Any]:
    """Every value at a dotted path, lists flattened at each step (``category.coding`` of a
    resource with two categories yields the Codings of both)."""
    found: list[Any] = [resource]
    for step in path.split("."):
        found = [item.get(step) for item in found if isinstance(item, Mapping)]
        found = [v for value in found for v in (value if isinstance(value, list) else [value]) if v is not None]
    yield from found


def first_value(resource: Mapping[str, Any], paths: tuple[str, ...]) -> Any:
    return next((value for path in paths for value in values_at(resource, path)), None)
