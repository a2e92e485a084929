"""Every comparison of the model, chosen by the normalised columns present.

Each comparison lists its levels from most to least specific. Thresholds carry a comment
saying why. Features come from ``matching.canonical.normalise``; the same features feed
batch prediction and real-time scoring, so a level must be expressible on two records.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink.internals.comparison_creator import ComparisonCreator

from matching.linkage import labels

# Jaro-Winkler 0.92 accepts one typo in names of 6+ letters ("katherine"/"katharine" 0.96)
# while keeping different short names apart ("john"/"joan" 0.88).
NAME_TYPO_JW = 0.92
# 0.80 still rejects unrelated names and keeps swapped or OCR-damaged ones ("smith"/"smtih" 0.96).
NAME_LOOSE_JW = 0.80
# Street names: one or two typos in a typical street name.
STREET_JW = 0.88


# Custom SQL of the levels added for the auto-confirm guard. Real-time scoring maps each such
# constant to a Python predicate, so keep them few and named.
# Bob and Robert: one name is among the other's variants (itself plus the formal names it is
# a nickname of). Jon and Jack only share a formal name (John): twins are named like that.
FIRST_NAME_NICKNAME_OF_OTHER = (
    "list_contains(first_name_variants_r, first_name_norm_l) OR list_contains(first_name_variants_l, first_name_norm_r)"
)


@dataclass(frozen=True)
class ComparisonSpec:
    name: str
    needs: frozenset[str]  # normalised columns that must all be present
    build: Callable[[], ComparisonCreator]
    covers: frozenset[str] = frozenset()  # other comparisons this one replaces when chosen


def _first_name() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="first_name",
        comparison_levels=[
            cll.NullLevel("first_name_norm"),
            cll.ExactMatchLevel("first_name_norm").configure(
                tf_adjustment_column="first_name_norm", label_for_charts=labels.FIRST_NAME_EXACT
            ),
            cll.CustomLevel(FIRST_NAME_NICKNAME_OF_OTHER, label_for_charts=labels.FIRST_NAME_NICKNAME),
            cll.ArrayIntersectLevel("first_name_variants").configure(label_for_charts=labels.FIRST_NAME_RELATED),
            cll.JaroWinklerLevel("first_name_norm", NAME_TYPO_JW).configure(label_for_charts=labels.FIRST_NAME_TYPO),
            cll.ArrayIntersectLevel("first_name_dm").configure(label_for_charts="Sounds alike (double metaphone)"),
            cll.JaroWinklerLevel("first_name_norm", NAME_LOOSE_JW),
            cll.ElseLevel(),
        ],
    )


def _last_name() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="last_name",
        comparison_levels=[
            cll.NullLevel("last_name_norm"),
            cll.ExactMatchLevel("last_name_norm").configure(tf_adjustment_column="last_name_norm"),
            cll.JaroWinklerLevel("last_name_norm", NAME_TYPO_JW),
            cll.ArrayIntersectLevel("last_name_dm").configure(label_for_charts="Sounds alike (double metaphone)"),
            cll.CustomLevel(
                "list_has_any(string_split(last_name_norm_l, ' '), string_split(last_name_norm_r, ' '))",
                label_for_charts="One part of a double-barrelled surname",
            ),
            cll.ElseLevel(),
        ],
    )


_DOB_TRANSPOSED = (
    "substr(dob_l, 1, 4) = substr(dob_r, 1, 4)"
    " AND substr(dob_l, 6, 2) = substr(dob_r, 9, 2) AND substr(dob_l, 9, 2) = substr(dob_r, 6, 2)"
)


def _dob() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="dob",
        comparison_levels=[
            cll.NullLevel("dob"),
            cll.ExactMatchLevel("dob").configure(tf_adjustment_column="dob", label_for_charts=labels.DOB_EXACT),
            cll.CustomLevel(_DOB_TRANSPOSED, label_for_charts=labels.DOB_TRANSPOSED),
            # one keyed digit wrong or two adjacent digits swapped
            cll.DamerauLevenshteinLevel("dob", 1).configure(label_for_charts=labels.DOB_ONE_DIGIT),
            cll.CustomLevel("substr(dob_l, 1, 7) = substr(dob_r, 1, 7)", label_for_charts="Same year and month"),
            cll.CustomLevel("substr(dob_l, 1, 4) = substr(dob_r, 1, 4)", label_for_charts="Same year"),
            cll.ElseLevel(),
        ],
    )


def _sex() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="sex",
        comparison_levels=[
            cll.CustomLevel(
                "sex_l IS NULL OR sex_r IS NULL OR sex_l = 'U' OR sex_r = 'U'",
                label_for_charts="sex is NULL or unknown",
            ).configure(is_null_level=True),
            cll.ExactMatchLevel("sex"),
            cll.ElseLevel(),
        ],
    )


_SAME_PLACE = (
    "address_line1_std_l = address_line1_std_r AND coalesce(address_unit_l, '') = coalesce(address_unit_r, '')"
)


def _household() -> ComparisonCreator:
    """Address, ZIP and phone as one comparison. They move together (a family shares all
    three; a person who moves changes all three), so counting them as independent evidence
    would let any household member look like a match."""
    return cl.CustomComparison(
        output_column_name="household",
        comparison_levels=[
            cll.CustomLevel(
                "(address_line1_std_l IS NULL OR address_line1_std_r IS NULL) AND (phone_l IS NULL OR phone_r IS NULL)"
                " AND (zip5_l IS NULL OR zip5_r IS NULL)",
                label_for_charts="No address, ZIP or phone to compare",
            ).configure(is_null_level=True),
            cll.CustomLevel(f"{_SAME_PLACE} AND phone_l = phone_r", label_for_charts="Same address, unit and phone"),
            cll.CustomLevel(_SAME_PLACE, label_for_charts="Same address and unit"),
            cll.CustomLevel("phone_l = phone_r", label_for_charts="Same phone, other address"),
            cll.CustomLevel(
                f"address_number_l = address_number_r AND zip5_l = zip5_r"
                f" AND jaro_winkler_similarity(address_line1_std_l, address_line1_std_r) >= {STREET_JW}",
                label_for_charts="Same house number and ZIP, similar street",
            ),
            cll.CustomLevel("zip5_l = zip5_r", label_for_charts="Same ZIP only"),
            # same sectional centre: a move within the metro area
            cll.CustomLevel("substr(zip5_l, 1, 3) = substr(zip5_r, 1, 3)", label_for_charts="Same first 3 ZIP digits"),
            cll.ElseLevel(),
        ],
    )


def _address() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="address",
        comparison_levels=[
            cll.NullLevel("address_line1_std"),
            cll.ExactMatchLevel("address_line1_std").configure(tf_adjustment_column="address_line1_std"),
            cll.JaroWinklerLevel("address_line1_std", STREET_JW),
            cll.ElseLevel(),
        ],
    )


def _zip() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="zip",
        comparison_levels=[
            cll.NullLevel("zip5"),
            cll.ExactMatchLevel("zip5").configure(tf_adjustment_column="zip5"),
            cll.CustomLevel("substr(zip5_l, 1, 3) = substr(zip5_r, 1, 3)", label_for_charts="Same first 3 digits"),
            cll.ElseLevel(),
        ],
    )


def _exact_or_close(
    column: str, output: str, distance: int, close_label: str, exact_label: str | None = None
) -> Callable[[], ComparisonCreator]:
    def build() -> ComparisonCreator:
        exact = cll.ExactMatchLevel(column).configure(tf_adjustment_column=column)
        return cl.CustomComparison(
            output_column_name=output,
            comparison_levels=[
                cll.NullLevel(column),
                exact.configure(label_for_charts=exact_label) if exact_label else exact,
                cll.DamerauLevenshteinLevel(column, distance).configure(label_for_charts=close_label),
                cll.ElseLevel(),
            ],
        )

    return build


def _email() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="email",
        comparison_levels=[
            cll.NullLevel("email"),
            cll.ExactMatchLevel("email"),
            cll.ExactMatchLevel("email_user").configure(label_for_charts="Same user name, other domain"),
            cll.ElseLevel(),
        ],
    )


def _ssn() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="ssn",
        comparison_levels=[
            cll.NullLevel("ssn_last4"),
            cll.CustomLevel("length(ssn_l) = 9 AND ssn_l = ssn_r", label_for_charts=labels.SSN_SAME_FULL),
            cll.CustomLevel("length(ssn_l) = 9 AND length(ssn_r) = 9", label_for_charts="Different full SSN"),
            cll.ExactMatchLevel("ssn_last4").configure(label_for_charts=labels.SSN_SAME_LAST4),
            cll.ElseLevel(),
        ],
    )


COMPARISONS: tuple[ComparisonSpec, ...] = (
    ComparisonSpec("first_name", frozenset({"first_name_norm", "first_name_variants", "first_name_dm"}), _first_name),
    ComparisonSpec("last_name", frozenset({"last_name_norm", "last_name_dm"}), _last_name),
    ComparisonSpec("dob", frozenset({"dob"}), _dob),
    ComparisonSpec("sex", frozenset({"sex"}), _sex),
    ComparisonSpec(
        "household",
        frozenset({"address_line1_std", "address_number", "address_unit", "zip5", "phone"}),
        _household,
        covers=frozenset({"address", "zip", "phone"}),
    ),
    # Without the full household, the parts that are present are compared on their own.
    ComparisonSpec("address", frozenset({"address_line1_std"}), _address),
    ComparisonSpec("zip", frozenset({"zip5"}), _zip),
    ComparisonSpec("phone", frozenset({"phone"}), _exact_or_close("phone", "phone", 1, "One digit wrong or swapped")),
    ComparisonSpec("email", frozenset({"email", "email_user"}), _email),
    # a mistyped member id is one keyed character away
    ComparisonSpec(
        "member_id",
        frozenset({"member_id_norm"}),
        _exact_or_close("member_id_norm", "member_id", 1, "One character off", labels.MEMBER_ID_EXACT),
    ),
    ComparisonSpec(
        "subscriber_id",
        frozenset({"subscriber_id_norm"}),
        _exact_or_close("subscriber_id_norm", "subscriber_id", 1, "One character off"),
    ),
    ComparisonSpec("ssn", frozenset({"ssn", "ssn_last4"}), _ssn),
)


def specs_for(columns: Collection[str]) -> list[ComparisonSpec]:
    """The comparisons whose inputs are all present: one per output name, the richest first,
    none that a chosen one covers."""
    chosen: list[ComparisonSpec] = []
    for spec in COMPARISONS:
        taken = {c.name for c in chosen} | set().union(*(c.covers for c in chosen))
        if spec.name not in taken and spec.needs <= set(columns):
            chosen.append(spec)
    return chosen


def comparisons_for(columns: Collection[str]) -> list[ComparisonCreator]:
    return [spec.build() for spec in specs_for(columns)]
