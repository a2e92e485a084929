"""Which requests for a format we cannot write are refused (406), and which we answer in JSON."""

from __future__ import annotations

import pytest

from exchange.fhir.formats import refused_format


@pytest.mark.parametrize("fmt", ["xml", "application/fhir+xml", "text/xml", "ttl", "application/fhir+turtle", "XML"])
def test_a_format_parameter_asking_for_xml_or_turtle_is_refused(fmt: str) -> None:
    assert refused_format(fmt, None) == f"_format={fmt}"


@pytest.mark.parametrize(
    "fmt", ["json", "application/fhir+json", "application/json", "application/fhir+json;fhirVersion=4.0"]
)
def test_a_format_parameter_asking_for_json_is_answered(fmt: str) -> None:
    assert refused_format(fmt, None) is None


@pytest.mark.parametrize(
    "accept",
    [
        None, "", "*/*", "application/fhir+json", "application/json", "application/fhir+ndjson",
        "application/fhir+xml;q=1.0, application/fhir+json;q=1.0, application/xml;q=0.9",  # a FHIR client library's
        "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",  # a browser's
        "application/*", "application/geo+json",
    ],
)  # fmt: skip
def test_accept_headers_that_allow_json_are_answered(accept: str | None) -> None:
    assert refused_format(None, accept) is None


@pytest.mark.parametrize(
    "accept",
    [
        "application/fhir+xml",
        "application/xml, text/xml",
        "text/turtle",
        "application/fhir+json;q=0, application/fhir+xml",
    ],
)
def test_accept_headers_that_allow_no_json_are_refused(accept: str) -> None:
    assert refused_format(None, accept) == f"Accept: {accept}"
