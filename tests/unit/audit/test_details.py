"""``details`` holds machine facts only: whitelisted keys, each with its kind of value (no PHI can fit)."""

import pytest
from pydantic import ValidationError

from audit.domain.details import DETAIL_KEYS, DetailError, check_details
from tests.unit.audit.factories import draft

PHI_LIKE = ["Ann Lee", "ann", "1980-01-02", "01/02/1980", "123 Main St", "M123456", "123-45-6789", 1.5, None, [1]]


def test_allowed_entries_pass_unchanged() -> None:
    given = {"records": 10, "from_state": "CONFIRMED", "model_version": "3fa9c0d2e1b4a5f6"}
    assert check_details(given) == given


def test_a_key_outside_the_vocabulary_is_refused_whatever_its_value() -> None:
    for key in ("name", "dob", "member_id", "note", "reason"):
        with pytest.raises(DetailError, match="vocabulary"):
            check_details({key: "X"})


@pytest.mark.parametrize("key", sorted(DETAIL_KEYS))
@pytest.mark.parametrize("value", PHI_LIKE)
def test_no_key_accepts_a_name_a_date_an_address_or_an_identifier(key: str, value: object) -> None:
    with pytest.raises(DetailError):
        check_details({key: value})


def test_counts_are_whole_non_negative_numbers_and_flags_booleans() -> None:
    with pytest.raises(DetailError):
        check_details({"records": -1})
    with pytest.raises(DetailError):
        check_details({"records": True})


def test_versions_are_digests_or_labels_with_a_digit_never_plain_words_or_dates() -> None:
    assert check_details({"model_version": "model-run1"}) == {"model_version": "model-run1"}
    assert check_details({"model_version": "abcdefabcdef"}) == {"model_version": "abcdefabcdef"}
    for bad in ("lee", "model-2026-01-02", "Model1"):
        with pytest.raises(DetailError):
            check_details({"model_version": bad})


def test_codes_are_capitals_and_underscores_and_states_come_from_the_lifecycle() -> None:
    assert check_details({"error_class": "PARTNER_TIMEOUT", "to_state": "DISPUTED"}) == {
        "error_class": "PARTNER_TIMEOUT",
        "to_state": "DISPUTED",
    }
    for bad in ("timeout", "HTTP_503", "ANN LEE"):
        with pytest.raises(DetailError):
            check_details({"error_class": bad})
    with pytest.raises(DetailError):
        check_details({"to_state": "ANN"})


def test_events_refuse_details_outside_the_rule() -> None:
    with pytest.raises(ValidationError, match="vocabulary"):
        draft(details={"first_name": "ANN"})
