"""parse_json: FHIR JSON bodies in, or one 400 saying why they are not JSON."""

from __future__ import annotations

import pytest

from exchange.fhir.errors import FhirInputError
from exchange.fhir.json_input import parse_json


def test_ordinary_json_with_escapes_pairs_and_decimals_is_read_as_json_loads_reads_it() -> None:
    raw = b'{"name": "Zo\\u00eb \\ud83d\\ude00", "path": "C:\\\\ud800", "n": 1.5, "big": 12345678901234567890}'
    assert parse_json(raw) == {
        "name": "Zo\u00eb \U0001f600",
        "path": "C:\\ud800",
        "n": 1.5,
        "big": 12345678901234567890,
    }


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        (b"[" * 50_000 + b"]" * 50_000, "nested too deeply"),
        (b'{"n": ' + b"1" * 5000 + b"}", "digits"),
        (b'{"n": NaN}', "NaN is not a JSON number"),
        (b'{"n": -Infinity}', "-Infinity is not a JSON number"),
        (b'{"n": 1e400}', "too large"),
        (b'{"a": 1, "b": {"c": 1, "c": 2}}', "'c' appears twice"),
        (b'["ok", {"\\udc00": 1}]', "unpaired UTF-16 surrogate"),
        (b'"\\ud83d"', "unpaired UTF-16 surrogate"),
        (b'{"a": "\xff"}', "can't decode byte 0xff"),
        (b"", "Expecting value"),
    ],
)
def test_what_is_not_json_is_one_structure_issue_on_the_body(raw: bytes, says: str) -> None:
    with pytest.raises(FhirInputError) as refused:
        parse_json(raw)
    (issue,) = refused.value.issues
    assert (issue.expression, issue.code, refused.value.status) == ("body", "structure", 400)
    assert issue.message.startswith("not JSON: ") and says in issue.message
