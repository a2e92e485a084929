"""Normalisation rules (run in DuckDB) on real-world name, address and id cases."""

from typing import Any

import pyarrow as pa
import pytest

from matching.canonical.normalise import normalise


def one(**values: str | None) -> dict[str, Any]:
    row = normalise(pa.table({"record_id": ["r1"], **{k: pa.array([v], pa.string()) for k, v in values.items()}}))
    return dict(row.to_pylist()[0])


def test_apostrophes_and_case_do_not_matter_for_surnames() -> None:
    assert one(last_name="O'Neil")["last_name_norm"] == "oneil"
    assert one(last_name="ONEIL")["last_name_norm"] == "oneil"
    assert one(last_name="O’Neil")["last_name_norm"] == "oneil"


def test_mcdonald_and_macdonald_share_a_phonetic_key() -> None:
    mc, mac = one(last_name="McDonald"), one(last_name="MacDonald")
    assert mc["last_name_norm"] == "mcdonald" and mac["last_name_norm"] == "macdonald"
    assert mc["last_name_key"] == mac["last_name_key"]


def test_hyphenated_surnames_keep_both_parts() -> None:
    assert one(last_name="Garcia-Lopez")["last_name_norm"] == "garcia lopez"
    assert one(last_name="garcia lopez")["last_name_norm"] == "garcia lopez"


def test_diacritics_are_removed() -> None:
    assert one(first_name="José", last_name="Muñoz")["first_name_norm"] == "jose"
    assert one(last_name="Muñoz")["last_name_norm"] == "munoz"


@pytest.mark.parametrize(
    ("last", "suffix"), [("Smith Jr.", "jr"), ("Smith Sr", "sr"), ("Smith III", "iii"), ("Smith II", "ii")]
)
def test_generational_suffix_is_moved_out_of_the_surname(last: str, suffix: str) -> None:
    row = one(last_name=last)
    assert row["last_name_norm"] == "smith"
    assert row["suffix_norm"] == suffix


def test_suffix_column_is_normalised() -> None:
    assert one(last_name="Smith", suffix="Junior")["suffix_norm"] == "jr"


def test_bob_is_a_nickname_of_robert() -> None:
    bob, robert = one(first_name="Bob"), one(first_name="Robert")
    assert "robert" in bob["first_name_variants"]
    assert set(bob["first_name_variants"]) & set(robert["first_name_variants"])
    assert not set(one(first_name="Alice")["first_name_variants"]) & set(robert["first_name_variants"])


@pytest.mark.parametrize(
    ("line1", "line2", "std", "unit"),
    [
        ("123 Main Street", "Apt 4B", "123 MAIN ST", "4B"),
        ("123 Main St.", "#4B", "123 MAIN ST", "4B"),
        ("123 main st apt 4b", None, "123 MAIN ST", "4B"),
        ("123 North Main Street Apartment 4B", None, "123 N MAIN ST", "4B"),
        ("10 W. Oak Avenue", "Suite 200", "10 W OAK AVE", "200"),
        ("55 Elm Boulevard", None, "55 ELM BLVD", None),
    ],
)
def test_us_addresses_follow_usps_abbreviations(line1: str, line2: str | None, std: str, unit: str | None) -> None:
    row = one(address_line1=line1, address_line2=line2)
    assert row["address_line1_std"] == std
    assert row["address_unit"] == unit
    assert row["address_number"] == std.split(" ")[0]


def test_zip_plus_four_is_reduced_to_zip5() -> None:
    assert one(zip="02134-1234")["zip5"] == "02134"
    assert one(zip="02134")["zip5"] == "02134"


def test_ids_ignore_case_and_punctuation() -> None:
    assert one(member_id="ab-123 45")["member_id_norm"] == "AB12345"
    assert one(subscriber_id="Sub.009")["subscriber_id_norm"] == "SUB009"


def test_ssn_last4_from_full_or_partial() -> None:
    assert one(ssn="123456789")["ssn_last4"] == "6789"
    assert one(ssn="6789")["ssn_last4"] == "6789"


def test_only_features_of_present_columns_are_produced() -> None:
    row = one(first_name="Ann")
    assert "first_name_norm" in row
    assert not {"last_name_norm", "zip5", "address_line1_std", "member_id_norm"} & row.keys()


def test_missing_values_stay_missing() -> None:
    row = one(first_name=None, last_name=None, address_line1=None, zip=None)
    assert row["first_name_norm"] is None and row["first_name_variants"] is None
    assert row["last_name_norm"] is None and row["address_line1_std"] is None and row["zip5"] is None
