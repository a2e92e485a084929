"""Cleaning rules on values seen in real payer extracts."""

from datetime import date

import pytest

from matching.canonical import cleaning

TODAY = date(2026, 11, 28)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1980-01-02", "1980-01-02"), ("19800102", "1980-01-02"), ("01/02/1980", "1980-01-02")],
)
def test_dob_formats_are_read_as_iso(raw: str, expected: str) -> None:
    assert cleaning.dob(raw, TODAY) == (expected, None)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("1980-02-30", "dob_unparsable"),
        ("02/01/80", "dob_unparsable"),
        ("yesterday", "dob_unparsable"),
        ("2027-01-01", "dob_in_future"),
        ("1850-06-01", "dob_implausible"),
    ],
)
def test_bad_dobs_are_nulled_with_a_reason(raw: str, reason: str) -> None:
    assert cleaning.dob(raw, TODAY) == (None, reason)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("02134", "02134"),
        ("02134-1234", "02134-1234"),
        ("021341234", "02134-1234"),
        ("2134", "02134"),  # leading zero lost by a spreadsheet
        (" 90210 ", "90210"),
    ],
)
def test_zip_codes(raw: str, expected: str) -> None:
    assert cleaning.zip_code(raw) == (expected, None)


@pytest.mark.parametrize("raw", ["00000", "1234567", "ABCDE", "123"])
def test_impossible_zips_are_nulled(raw: str) -> None:
    assert cleaning.zip_code(raw) == (None, "zip_invalid")


@pytest.mark.parametrize(
    "raw", ["(617) 253-1000", "617.253.1000", "617-253-1000", "+1 617 253 1000", "1-617-253-1000", "6172531000"]
)
def test_us_phone_formats_become_e164(raw: str) -> None:
    assert cleaning.phone(raw) == ("+16172531000", None)


def test_international_phone_keeps_its_country() -> None:
    assert cleaning.phone("+44 20 7946 0958") == ("+442079460958", None)


@pytest.mark.parametrize("raw", ["555", "123-456-7890", "not a phone"])
def test_malformed_phones_are_nulled(raw: str) -> None:
    assert cleaning.phone(raw) == (None, "phone_invalid")


def test_email_is_lower_cased_and_checked() -> None:
    assert cleaning.email("Jane.Doe+Plan@Example.COM") == ("jane.doe+plan@example.com", None)
    assert cleaning.email("jane@") == (None, "email_invalid")
    assert cleaning.email("jane doe@example.com") == (None, "email_invalid")


@pytest.mark.parametrize(
    ("raw", "expected"), [("123-45-6789", "123456789"), ("6789", "6789"), ("123 45 6789", "123456789")]
)
def test_ssn_digits(raw: str, expected: str) -> None:
    assert cleaning.ssn(raw) == (expected, None)


@pytest.mark.parametrize("raw", ["000-12-3456", "666-12-3456", "912-12-3456", "123-00-4567", "123-45-0000", "12345"])
def test_impossible_ssns_are_nulled(raw: str) -> None:
    assert cleaning.ssn(raw) == (None, "ssn_invalid")


def test_sex_relationship_and_state_codes() -> None:
    assert cleaning.sex("Female") == ("F", None)
    assert cleaning.sex("q") == (None, "sex_invalid")
    assert cleaning.relationship("18") == ("self", None)
    assert cleaning.relationship("Spouse") == ("spouse", None)
    assert cleaning.relationship("cousin") == (None, "relationship_invalid")
    assert cleaning.state("ma") == ("MA", None)
    assert cleaning.state("New York") == ("NY", None)
    assert cleaning.state("Atlantis") == (None, "state_invalid")


def test_whitespace_is_collapsed_and_empty_is_absent() -> None:
    assert cleaning.text("  Mary   Ann ") == "Mary Ann"
    assert cleaning.text("   ") is None
