"""``_typeFilter`` of ``$davinci-data-export``: search queries parsed per resource type, OR-ed per
type, AND-ed within a query, token and date parameters evaluated on resources, and everything
outside the supported subset refused with the parameter named."""

from __future__ import annotations

from typing import Any

import pytest

from exchange.bulk.export_request import PAYER_TO_PAYER, from_json, parse_export, to_json
from exchange.domain.release_rules import ReleaseInputError
from exchange.domain.type_filter import admits, parse_type_filters

LOINC, CATEGORY = "http://loinc.org", "http://terminology.hl7.org/CodeSystem/observation-category"


def observation(category: str, code: str, day: str | None, status: str = "final") -> dict[str, Any]:
    resource: dict[str, Any] = {"resourceType": "Observation", "status": status,
                                "category": [{"coding": [{"system": CATEGORY, "code": category}]}],
                                "code": {"coding": [{"system": LOINC, "code": code}]}}  # fmt: skip
    if day is not None:
        resource["effectiveDateTime"] = day
    return resource


def kept(queries: list[str], resource: dict[str, Any]) -> bool:
    return admits(parse_type_filters(queries), resource["resourceType"], resource)


def refusal(queries: list[str]) -> str:
    with pytest.raises(ReleaseInputError) as caught:
        parse_type_filters(queries)
    assert caught.value.parameter == "_typeFilter"
    return str(caught.value)


def test_token_parameters_match_any_coding_with_or_without_a_system() -> None:
    lab = observation("laboratory", "2345-7", "2024-03-05")
    assert kept(["Observation?category=laboratory"], lab)
    assert not kept(["Observation?category=vital-signs"], lab)
    assert kept([f"Observation?code={LOINC}|2345-7"], lab)
    assert not kept(["Observation?code=http://snomed.info/sct|2345-7"], lab)  # same code, another system
    assert kept([f"Observation?code={LOINC}|"], lab) and not kept(["Observation?code=|2345-7"], lab)
    assert kept(["Observation?status=final"], lab) and not kept(["Observation?status=amended"], lab)


def test_queries_of_one_type_are_or_ed_parameters_and_ed_and_commas_are_alternatives() -> None:
    lab, vitals = observation("laboratory", "2345-7", "2024-03-05"), observation("vital-signs", "8867-4", "2023-01-01")
    either = ["Observation?category=laboratory&date=ge2024-01-01", "Observation?code=8867-4"]
    assert kept(either, lab) and kept(either, vitals)
    both = ["Observation?category=laboratory&date=lt2024-01-01"]
    assert not kept(both, lab)  # a laboratory result, but not before 2024
    assert kept(["Observation?category=survey,vital-signs"], vitals)
    assert kept(["Condition?code=X"], lab)  # each type is filtered independently: no query on Observation


def test_date_prefixes_compare_the_days_each_date_covers() -> None:
    march_5 = observation("laboratory", "1", "2024-03-05T10:30:00Z")
    assert kept(["Observation?date=2024-03-05"], march_5) and kept(["Observation?date=eq2024-03"], march_5)
    assert kept(["Observation?date=ge2024-03-05"], march_5) and not kept(["Observation?date=gt2024-03-05"], march_5)
    assert kept(["Observation?date=le2024-03-05"], march_5) and not kept(["Observation?date=lt2024-03-05"], march_5)
    assert kept(["Observation?date=gt2024-02"], march_5) and not kept(["Observation?date=gt2024"], march_5)
    assert kept(["Observation?date=lt2025"], march_5) and not kept(["Observation?date=ge2024-04"], march_5)
    assert not kept(["Observation?date=ge2000"], observation("laboratory", "1", None))  # no date: never matches


def test_an_encounter_date_is_its_period_and_each_type_reads_its_own_natural_date() -> None:
    stay = {"resourceType": "Encounter", "status": "finished", "period": {"start": "2024-01-30", "end": "2024-02-02"}}
    assert kept(["Encounter?date=ge2024-02-01"], stay) and kept(["Encounter?date=le2024-01-31"], stay)
    assert not kept(["Encounter?date=lt2024-01-30"], stay) and not kept(["Encounter?date=gt2024-02-02"], stay)
    assert not kept(["Encounter?date=eq2024-01"], stay)  # it runs into February
    claim = {"resourceType": "ExplanationOfBenefit", "status": "active", "created": "2024-06-01T00:00:00Z"}
    assert kept(["ExplanationOfBenefit?created=ge2024-01-01"], claim)
    assert not kept(["ExplanationOfBenefit?created=lt2024-01-01"], claim)
    dispense = {"resourceType": "MedicationDispense", "whenHandedOver": "2023-12-31"}
    assert kept(["MedicationDispense?whenhandedover=lt2024"], dispense)


def test_anything_outside_the_supported_subset_is_refused_naming_it() -> None:
    assert "value-quantity is not supported on Observation" in refusal(["Observation?value-quantity=5"])
    assert "code:text is not supported" in refusal(["Observation?code:text=glucose"])
    assert "_sort is not supported" in refusal(["Observation?category=laboratory&_sort=date"])
    assert "subject.name is not supported" in refusal(["Observation?subject.name=Ada"])
    assert "unknown resource type 'Medication'" in refusal(["Medication?code=1"])
    assert "not a search query" in refusal(["Observation"])
    assert "not a search query" in refusal(["Observation?category"])
    assert "the date prefix sa is not supported" in refusal(["Observation?date=sa2024-01-01"])
    assert "compared by day" in refusal(["Observation?date=gt2018-07-01T00:00:00Z"])
    assert "needs a value" in refusal(["Observation?category="])


def test_the_export_request_carries_its_type_filters_and_refuses_bad_ones_as_typefilter() -> None:
    values = {"exportType": [PAYER_TO_PAYER], "_type": ["Observation"],
              "_typeFilter": ["Observation?category=laboratory", "Observation?code=8867-4"]}  # fmt: skip
    asked = parse_export(values)
    assert asked.type_filters == ("Observation?category=laboratory", "Observation?code=8867-4")
    assert from_json(to_json(asked)) == asked
    with pytest.raises(ReleaseInputError) as caught:
        parse_export({**values, "_typeFilter": ["Observation?interpretation=H"]})
    assert caught.value.parameter == "_typeFilter" and "interpretation" in str(caught.value)
