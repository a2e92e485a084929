"""The CapabilityStatement says what the server does, no more and no less: every interaction, search
parameter and operation it lists has a route; an operation supported whole is named by its published
definition, any other by the definition we serve; and each served definition lists exactly the
parameters its parser reads: every ``$davinci-data-export`` parameter the parser accepts is listed with
its cardinality, nothing listed is refused, anything else is refused, and the ``_typeFilter`` search
parameters documented are exactly the ones implemented."""

from __future__ import annotations

import re
from typing import Any

import pytest

from api.app import create_app
from exchange.bulk.export_request import parse_export
from exchange.domain.release_rules import ReleaseInputError
from exchange.domain.search_parameters import SEARCH_PARAMETERS, Kind
from exchange.domain.type_filter import parse_type_filters
from exchange.fhir.capability import BULK_MEMBER_MATCH, MEMBER_MATCH, capability_statement
from exchange.fhir.errors import FhirInputError
from exchange.fhir.operations import DATA_EXPORT, EVERYTHING, PAYER_TO_PAYER, SERVED, TRANSFER_ACKNOWLEDGMENT
from exchange.transfers.acknowledgments import parse as parse_acknowledgment
from p2p.settings import load_settings

BASE = "https://payer.example/fhir"
SUPPORTED_WHOLE = {MEMBER_MATCH, BULK_MEMBER_MATCH}  # published definitions whose every parameter we read
EXPORT_EXAMPLES = {
    "exportType": PAYER_TO_PAYER, "_since": "2024-01-01", "_until": "2025-06-30T00:00:00+00:00",
    "_type": "Encounter,Condition", "_typeFilter": "Observation?category=laboratory", "patient": "Patient/M-1",
    "_outputFormat": "application/fhir+ndjson",
}  # fmt: skip
BULK_EXPORT_NAMES_NOT_OURS = ("_elements", "includeAssociatedData", "_typePostFetchFilterUrl", "organizeOutputBy",
                              "allowPartialManifests", "_exportId", "memberReference", "_count")  # fmt: skip


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    paths: dict[str, Any] = create_app(load_settings()).openapi()["paths"]
    return paths


def statement() -> dict[str, Any]:
    return capability_statement(BASE, "0.1.0", "2030-01-01", "1.1.0")


def query_parameters(openapi: dict[str, Any], path: str) -> set[str]:
    return {p["name"] for p in openapi[path]["get"].get("parameters", []) if p["in"] == "query"}


def test_every_interaction_search_parameter_and_operation_listed_has_a_route(openapi: dict[str, Any]) -> None:
    rest = statement()["rest"][0]
    for resource in rest["resource"]:
        kind = resource["type"]
        for interaction in resource["interaction"]:
            if interaction["code"] == "read":
                assert any(re.fullmatch(rf"/fhir/{kind}/\{{\w+\}}", p) and "get" in openapi[p] for p in openapi), kind
            else:
                assert interaction["code"] == "search-type"
                assert {p["name"] for p in resource["searchParam"]} <= query_parameters(openapi, f"/fhir/{kind}")
        for operation in resource["operation"]:
            assert any(p.startswith(f"/fhir/{kind}/") and p.endswith(f"/${operation['name']}") for p in openapi)
    for operation in rest["operation"]:
        assert f"/fhir/${operation['name']}" in openapi
    assert "/fhir/OperationDefinition/{definition_id}" in openapi


def test_an_operation_is_named_by_its_published_definition_only_when_supported_whole() -> None:
    rest = statement()["rest"][0]
    for operation in [o for r in rest["resource"] for o in r["operation"]] + rest["operation"]:
        definition = operation["definition"]
        if definition.startswith(BASE):
            served = SERVED[definition.rsplit("/", 1)[-1]]
            assert served.code == operation["name"] and served.resource_json(BASE)["url"] == definition
            assert all(name in operation["documentation"] for name in served.inputs)
        else:
            assert definition in SUPPORTED_WHOLE, definition
    assert SERVED["davinci-data-export"].resource_json(BASE)["base"] == (
        "http://hl7.org/fhir/us/davinci-atr/OperationDefinition/davinci-data-export")  # fmt: skip


def test_every_export_parameter_listed_is_accepted_with_its_cardinality_and_nothing_else_is() -> None:
    listed = {p.name: p for p in DATA_EXPORT.parameters}
    assert set(EXPORT_EXAMPLES) == set(listed)  # a parameter added to the definition needs an example here
    parse_export({name: [value] for name, value in EXPORT_EXAMPLES.items()})
    for name, parameter in listed.items():
        one = {"exportType": [PAYER_TO_PAYER], name: [EXPORT_EXAMPLES[name]]}
        parse_export(one)
        twice = {**one, name: [EXPORT_EXAMPLES[name]] * 2}
        if parameter.max == "*":
            parse_export(twice)
        else:
            with pytest.raises(ReleaseInputError):
                parse_export(twice)
    with pytest.raises(ReleaseInputError):
        parse_export({})  # exportType is 1..1
    for name in BULK_EXPORT_NAMES_NOT_OURS:
        assert name not in listed
        with pytest.raises(ReleaseInputError) as caught:
            parse_export({"exportType": [PAYER_TO_PAYER], name: ["x"]})
        assert caught.value.parameter == name


def test_the_type_filter_search_parameters_documented_are_the_ones_implemented() -> None:
    documentation = next(p.documentation for p in DATA_EXPORT.parameters if p.name == "_typeFilter")
    supported = documentation.split("Supported: ", 1)[1].rstrip(".")
    documented = {kind: dict(re.findall(r"([a-z-]+) \((token|date)\)", names))
                  for kind, names in (part.split(": ", 1) for part in supported.split("; "))}  # fmt: skip
    assert documented == {
        kind: {n: p.kind.value for n, p in params.items()} for kind, params in SEARCH_PARAMETERS.items()
    }
    for kind, params in SEARCH_PARAMETERS.items():
        for name, parameter in params.items():
            value = "ge2024-01-01" if parameter.kind is Kind.DATE else "http://loinc.org|1234-5"
            parse_type_filters([f"{kind}?{name}={value}"])
    with pytest.raises(ReleaseInputError):
        parse_type_filters(["Observation?subject=Patient/1"])


def test_the_everything_definition_lists_the_query_parameters_the_route_reads(openapi: dict[str, Any]) -> None:
    read = query_parameters(openapi, "/fhir/Patient/{member_key}/$everything") - {"_page_after"}  # next links' cursor
    assert read == set(EVERYTHING.inputs)


def test_the_acknowledgment_definition_lists_the_parameters_its_parser_needs() -> None:
    examples: dict[str, Any] = {"transferId": {"valueString": "T-1"}, "memberIdentifier": {"valueString": "M-1"},
                                "resourcesReceived": {"valueUnsignedInt": 3}, "contentSha256": {"valueString": "a" * 64},
                                "status": {"valueCode": "received"}}  # fmt: skip
    assert set(examples) == set(TRANSFER_ACKNOWLEDGMENT.inputs)
    body = {"resourceType": "Parameters", "parameter": [{"name": n, **v} for n, v in examples.items()]}
    parse_acknowledgment(body)
    for required in [p.name for p in TRANSFER_ACKNOWLEDGMENT.parameters if p.use == "in" and p.min == 1]:
        without = {**body, "parameter": [p for p in body["parameter"] if p["name"] != required]}
        with pytest.raises(FhirInputError):
            parse_acknowledgment(without)
