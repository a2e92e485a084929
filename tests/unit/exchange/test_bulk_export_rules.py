"""$davinci-data-export parameters, the completion manifest, the error file's lines and
non-financial claims: pure rules of the bulk export."""

from __future__ import annotations

import json
from datetime import date

import pytest

from exchange.bulk.export_request import (
    PAYER_TO_PAYER,
    ExportRequest,
    from_json,
    parameters_of,
    parse_export,
    to_json,
    window,
)
from exchange.bulk.manifest import ExportFile, Refused, manifest, refusal_line
from exchange.bulk.non_financial import non_financial
from exchange.domain.release_rules import ReleaseInputError

TODAY = date(2026, 11, 29)


def refused(values: dict[str, list[str]]) -> str:
    with pytest.raises(ReleaseInputError) as caught:
        parse_export(values)
    return f"{caught.value.parameter}: {caught.value}"


def test_a_payer_to_payer_export_reads_its_window_types_and_members() -> None:
    asked = parse_export({"exportType": [PAYER_TO_PAYER], "_since": ["2024-01-01T00:00:00Z"], "_until": ["2026-06-30"],
                          "_type": ["Encounter,Condition"], "patient": ["Patient/M-1,Patient/M-2", "M-1"]})  # fmt: skip
    assert asked == ExportRequest(date(2024, 1, 1), date(2026, 6, 30), ("Condition", "Encounter"), ("M-1", "M-2"))
    assert from_json(to_json(asked)) == asked


def test_since_older_than_five_years_or_absent_is_clamped_to_five_years_back() -> None:
    assert window(ExportRequest(since=date(2000, 1, 1)), TODAY).since == date(2021, 11, 29)
    assert window(ExportRequest(), TODAY).since == date(2021, 11, 29)
    assert window(ExportRequest(since=date(2025, 3, 1)), TODAY).since == date(2025, 3, 1)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({}, "exportType: exportType must be hl7.fhir.us.davinci-pdex#payertopayer (got None)"),
        ({"exportType": ["hl7.fhir.us.davinci-atr#attribution"]}, "exportType: exportType must be"),
        ({"exportType": [PAYER_TO_PAYER], "_typeFilter": ["Encounter?reason-code=1"]}, "_typeFilter: the search parameter reason-code is not supported"),
        ({"exportType": [PAYER_TO_PAYER], "_outputFormat": ["text/csv"]}, "_outputFormat: only NDJSON"),
        ({"exportType": [PAYER_TO_PAYER], "_since": ["yesterday"]}, "_since: _since is not a FHIR date"),
        ({"exportType": [PAYER_TO_PAYER], "_since": ["2026-01-02"], "_until": ["2026-01-01"]}, "_until: _until is before"),
        ({"exportType": [PAYER_TO_PAYER], "_type": ["Encounter,Claim"]}, "_type: unknown resource type Claim"),
        ({"exportType": [PAYER_TO_PAYER], "patient": ["Group/g-1"]}, "patient: not a Patient reference"),
        ({"exportType": [PAYER_TO_PAYER], "_elements": ["id"]}, "_elements: _elements is not supported"),
        ({"exportType": [PAYER_TO_PAYER], "colour": ["blue"]}, "colour: unknown parameter colour"),
        ({"exportType": [PAYER_TO_PAYER, PAYER_TO_PAYER]}, "exportType: exportType may be given once"),
    ],
)  # fmt: skip
def test_unsupported_or_malformed_parameters_are_refused_naming_them(
    values: dict[str, list[str]], expected: str
) -> None:
    assert refused(values).startswith(expected)


def test_parameters_come_from_a_parameters_body_too() -> None:
    body = {"resourceType": "Parameters", "parameter": [{"name": "exportType", "valueString": PAYER_TO_PAYER},
            {"name": "_since", "valueInstant": "2025-01-01T00:00:00Z"},
            {"name": "patient", "valueReference": {"reference": "Patient/M-3"}}]}  # fmt: skip
    assert parameters_of(body) == {"exportType": [PAYER_TO_PAYER], "_since": ["2025-01-01T00:00:00Z"],
                                   "patient": ["Patient/M-3"]}  # fmt: skip
    assert parameters_of(None) == {}
    with pytest.raises(ReleaseInputError):
        parameters_of({"resourceType": "Parameters", "parameter": [{"name": "_since"}]})
    with pytest.raises(ReleaseInputError):
        parameters_of({"resourceType": "Bundle"})


def test_the_manifest_lists_each_file_with_its_url_count_and_hash() -> None:
    f = ExportFile("Encounter", "ab" * 32, 3, 120)
    e = ExportFile("OperationOutcome", "cd" * 32, 1, 300)
    body = manifest(
        "2026-11-29T10:00:00+00:00", "https://a/fhir/Group/g/$davinci-data-export", "https://a/files", [f], [e]
    )
    assert body["requiresAccessToken"] is True and body["transactionTime"] == "2026-11-29T10:00:00+00:00"
    assert body["output"] == [{"type": "Encounter", "url": f"https://a/files/{'ab' * 32}.ndjson", "count": 3,
                               "extension": {"urn:payer-exchange:sha256": "ab" * 32}}]  # fmt: skip
    assert body["error"][0]["type"] == "OperationOutcome" and body["error"][0]["count"] == 1


def test_a_refused_member_is_one_operation_outcome_line_with_its_reason() -> None:
    line = refusal_line(Refused("M-1", "consent_period_ended"))
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    outcome = json.loads(line)
    assert outcome["issue"][0]["expression"] == ["Patient/M-1"]
    assert outcome["issue"][0]["details"]["coding"][0]["code"] == "consent_period_ended"


def test_claims_lose_totals_payment_balances_and_adjudication_amounts() -> None:
    clean = b'{"resourceType":"ExplanationOfBenefit","id":"e1","status":"active"}'
    assert non_financial(clean) is clean
    eob = {"resourceType": "ExplanationOfBenefit", "id": "e2", "total": [{"amount": {"value": 10}}],
           "payment": {"amount": {"value": 5}}, "benefitBalance": [{}],
           "item": [{"sequence": 1, "adjudication": [{"category": {"text": "paid"}, "amount": {"value": 5}}]}]}  # fmt: skip
    out = json.loads(non_financial(json.dumps(eob).encode()))
    assert set(out) == {"resourceType", "id", "item"}
    assert out["item"] == [{"sequence": 1, "adjudication": [{"category": {"text": "paid"}}]}]
