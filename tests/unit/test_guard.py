"""The auto-confirm guard: which pairs a high score may not confirm on its own (pure)."""

from typing import Any

import pytest

from matching.linkage import labels
from matching.linkage.comparisons import COMPARISONS
from matching.linkage.guard import POSSIBLE_TWIN, auto_confirm_blockers

RELATED = labels.FIRST_NAME_RELATED  # Jon and Jack


def twins(**changes: str) -> dict[str, str]:
    """Levels of two twins' records at different payers: related first names, one birthday,
    one home, and no SSN or member id that agrees."""
    levels = {
        "first_name": RELATED,
        "last_name": "Exact match on last_name_norm",
        "dob": labels.DOB_EXACT,
        "sex": "Exact match on sex",
        "household": "Same address, unit and phone",
        "member_id": "All other comparisons",
        "ssn": "ssn_last4 is NULL",
    }
    return {**levels, **changes}


A, B = {"payer_id": "payer-a"}, {"payer_id": "payer-b"}


def test_twins_with_related_first_names_are_held_for_review() -> None:
    assert auto_confirm_blockers(twins(), A, B) == [POSSIBLE_TWIN]


@pytest.mark.parametrize(
    "first_name",
    [RELATED, "Sounds alike (double metaphone)", "Jaro-Winkler distance of first_name_norm >= 0.8",
     "All other comparisons", "first_name_norm is NULL"],
)  # fmt: skip
def test_any_first_name_level_that_does_not_identify_the_person_holds_the_pair(first_name: str) -> None:
    assert auto_confirm_blockers(twins(first_name=first_name), A, B) == [POSSIBLE_TWIN]


@pytest.mark.parametrize("first_name", [labels.FIRST_NAME_EXACT, labels.FIRST_NAME_TYPO, labels.FIRST_NAME_NICKNAME])
def test_a_first_name_that_identifies_the_person_lets_the_pair_through(first_name: str) -> None:
    assert auto_confirm_blockers(twins(first_name=first_name), A, B) == []


@pytest.mark.parametrize("dob", [labels.DOB_EXACT, labels.DOB_TRANSPOSED, labels.DOB_ONE_DIGIT])
def test_a_birthday_shared_up_to_a_keying_error_counts_as_shared(dob: str) -> None:
    assert auto_confirm_blockers(twins(dob=dob), A, B) == [POSSIBLE_TWIN]


@pytest.mark.parametrize("dob", ["Same year and month", "All other comparisons", "dob is NULL"])
def test_pairs_born_on_different_or_unknown_days_are_not_twins(dob: str) -> None:
    assert auto_confirm_blockers(twins(dob=dob), A, B) == []


@pytest.mark.parametrize("ssn", [labels.SSN_SAME_FULL, labels.SSN_SAME_LAST4])
def test_an_agreeing_ssn_tells_the_twins_apart(ssn: str) -> None:
    assert auto_confirm_blockers(twins(ssn=ssn), A, B) == []


def test_the_same_member_id_counts_only_at_the_same_payer() -> None:
    same_id = twins(member_id=labels.MEMBER_ID_EXACT)
    assert auto_confirm_blockers(same_id, A, {"payer_id": "payer-a"}) == []
    assert auto_confirm_blockers(same_id, A, B) == [POSSIBLE_TWIN]
    assert auto_confirm_blockers(same_id) == [POSSIBLE_TWIN]  # payer unknown: not proven
    assert auto_confirm_blockers(same_id, {"payer_id": None}, {"payer_id": None}) == [POSSIBLE_TWIN]
    # twins on one policy have member ids one character apart: that is no agreement
    assert auto_confirm_blockers(twins(member_id="One character off"), A, A) == [POSSIBLE_TWIN]


def test_address_and_phone_do_not_matter() -> None:
    for household in ("All other comparisons", "Same ZIP only", "No address, ZIP or phone to compare"):
        assert auto_confirm_blockers(twins(household=household), A, B) == [POSSIBLE_TWIN]


def test_a_model_without_first_names_holds_every_pair_sharing_a_birthday() -> None:
    levels = twins()
    del levels["first_name"], levels["ssn"], levels["member_id"]
    assert auto_confirm_blockers(levels) == [POSSIBLE_TWIN]


def _labels_of_the_model() -> set[str]:
    found: set[str] = set()
    for spec in COMPARISONS:
        comparison: dict[str, Any] = spec.build().get_comparison("duckdb").as_dict()
        found |= {level["label_for_charts"] for level in comparison["comparison_levels"]}
    return found


def test_every_label_the_guard_reads_is_the_label_of_a_comparison_level() -> None:
    read = {value for name, value in vars(labels).items() if name.isupper() and isinstance(value, str)}
    assert read and read <= _labels_of_the_model()
