"""Every comparison of the model, chosen by the normalised columns present.

Each comparison lists its levels from most to least specific. Thresholds carry a comment
saying why. Features come from ``matching.canonical.normalise``; the same features feed
batch prediction and real-time scoring, so a level must be expressible on two records.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink.internals.comparison_creator import ComparisonCreator
from splink.internals.comparison_level_creator import ComparisonLevelCreator

from matching.linkage import labels
from matching.similarity import jaro_winkler

# Jaro-Winkler 0.92 accepts one typo in names of 6+ letters ("katherine"/"katharine" 0.96)
# while keeping different short names apart ("john"/"joan" 0.88).
NAME_TYPO_JW = 0.92
# 0.80 still rejects unrelated names and keeps swapped or OCR-damaged ones ("smith"/"smtih" 0.96).
NAME_LOOSE_JW = 0.80
# Street names: one or two typos in a typical street name.
STREET_JW = 0.88


# A level's condition evaluated on two records' features (left, right) in Python, with SQL's
# NULL semantics (any comparison with a missing value is not true). The real-time scorer
# uses these for the custom SQL below; a test holds each to DuckDB's verdict.
Features = Mapping[str, Any]
Predicate = Callable[[Features, Features], bool]
CUSTOM_PREDICATES: dict[str, Predicate] = {}


def _custom(sql: str, label: str, predicate: Predicate, null_level: bool = False) -> ComparisonLevelCreator:
    CUSTOM_PREDICATES[sql] = predicate
    level = cll.CustomLevel(sql, label_for_charts=label)
    return level.configure(is_null_level=True) if null_level else level


def _eq(a: Any, b: Any) -> bool:
    return a is not None and b is not None and bool(a == b)


def _part(value: str | None, start: int, length: int) -> str | None:
    """SQL ``substr(value, start, length)`` (1-based)."""
    return None if value is None else value[start - 1 : start - 1 + length]


def _same_part(column: str, start: int, length: int) -> Predicate:
    return lambda x, y: _eq(_part(x.get(column), start, length), _part(y.get(column), start, length))


def _missing_either(column: str) -> Callable[[Features, Features], bool]:
    return lambda x, y: x.get(column) is None or y.get(column) is None


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


def _contains(values: Any, value: Any) -> bool:
    return values is not None and value is not None and value in values


def _nickname_of_other(x: Features, y: Features) -> bool:
    return _contains(y.get("first_name_variants"), x.get("first_name_norm")) or _contains(
        x.get("first_name_variants"), y.get("first_name_norm")
    )


def _first_name() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="first_name",
        comparison_levels=[
            cll.NullLevel("first_name_norm"),
            cll.ExactMatchLevel("first_name_norm").configure(
                tf_adjustment_column="first_name_norm", label_for_charts=labels.FIRST_NAME_EXACT
            ),
            _custom(FIRST_NAME_NICKNAME_OF_OTHER, labels.FIRST_NAME_NICKNAME, _nickname_of_other),
            cll.ArrayIntersectLevel("first_name_variants").configure(label_for_charts=labels.FIRST_NAME_RELATED),
            cll.JaroWinklerLevel("first_name_norm", NAME_TYPO_JW).configure(label_for_charts=labels.FIRST_NAME_TYPO),
            cll.ArrayIntersectLevel("first_name_dm").configure(label_for_charts="Sounds alike (double metaphone)"),
            cll.JaroWinklerLevel("first_name_norm", NAME_LOOSE_JW),
            cll.ElseLevel(),
        ],
    )


def _share_a_surname_part(x: Features, y: Features) -> bool:
    a, b = x.get("last_name_norm"), y.get("last_name_norm")
    return a is not None and b is not None and bool(set(a.split(" ")) & set(b.split(" ")))


def _last_name() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="last_name",
        comparison_levels=[
            cll.NullLevel("last_name_norm"),
            cll.ExactMatchLevel("last_name_norm").configure(tf_adjustment_column="last_name_norm"),
            cll.JaroWinklerLevel("last_name_norm", NAME_TYPO_JW),
            cll.ArrayIntersectLevel("last_name_dm").configure(label_for_charts="Sounds alike (double metaphone)"),
            _custom(
                "list_has_any(string_split(last_name_norm_l, ' '), string_split(last_name_norm_r, ' '))",
                "One part of a double-barrelled surname",
                _share_a_surname_part,
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
            _custom(
                _DOB_TRANSPOSED,
                labels.DOB_TRANSPOSED,
                lambda x, y: (
                    _same_part("dob", 1, 4)(x, y)
                    and _eq(_part(x.get("dob"), 6, 2), _part(y.get("dob"), 9, 2))
                    and _eq(_part(x.get("dob"), 9, 2), _part(y.get("dob"), 6, 2))
                ),
            ),
            # one keyed digit wrong or two adjacent digits swapped
            cll.DamerauLevenshteinLevel("dob", 1).configure(label_for_charts=labels.DOB_ONE_DIGIT),
            _custom("substr(dob_l, 1, 7) = substr(dob_r, 1, 7)", "Same year and month", _same_part("dob", 1, 7)),
            _custom("substr(dob_l, 1, 4) = substr(dob_r, 1, 4)", "Same year", _same_part("dob", 1, 4)),
            cll.ElseLevel(),
        ],
    )


def _sex() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="sex",
        comparison_levels=[
            _custom(
                "sex_l IS NULL OR sex_r IS NULL OR sex_l = 'U' OR sex_r = 'U'",
                "sex is NULL or unknown",
                lambda x, y: x.get("sex") is None or y.get("sex") is None or x.get("sex") == "U" or y.get("sex") == "U",
                null_level=True,
            ),
            cll.ExactMatchLevel("sex"),
            cll.ElseLevel(),
        ],
    )


_SAME_PLACE = (
    "address_line1_std_l = address_line1_std_r AND coalesce(address_unit_l, '') = coalesce(address_unit_r, '')"
)


def _same_place(x: Features, y: Features) -> bool:
    return _eq(x.get("address_line1_std"), y.get("address_line1_std")) and (x.get("address_unit") or "") == (
        y.get("address_unit") or ""
    )


def _similar_street(x: Features, y: Features) -> bool:
    a, b = x.get("address_line1_std"), y.get("address_line1_std")
    return (
        _eq(x.get("address_number"), y.get("address_number"))
        and _eq(x.get("zip5"), y.get("zip5"))
        and a is not None
        and b is not None
        and jaro_winkler(a, b) >= STREET_JW
    )


def _household() -> ComparisonCreator:
    """Address, ZIP and phone as one comparison. They move together (a family shares all
    three; a person who moves changes all three), so counting them as independent evidence
    would let any household member look like a match."""
    return cl.CustomComparison(
        output_column_name="household",
        comparison_levels=[
            _custom(
                "(address_line1_std_l IS NULL OR address_line1_std_r IS NULL) AND (phone_l IS NULL OR phone_r IS NULL)"
                " AND (zip5_l IS NULL OR zip5_r IS NULL)",
                "No address, ZIP or phone to compare",
                lambda x, y: all(_missing_either(c)(x, y) for c in ("address_line1_std", "phone", "zip5")),
                null_level=True,
            ),
            _custom(
                f"{_SAME_PLACE} AND phone_l = phone_r",
                "Same address, unit and phone",
                lambda x, y: _same_place(x, y) and _eq(x.get("phone"), y.get("phone")),
            ),
            _custom(_SAME_PLACE, "Same address and unit", _same_place),
            _custom("phone_l = phone_r", "Same phone, other address", lambda x, y: _eq(x.get("phone"), y.get("phone"))),
            _custom(
                f"address_number_l = address_number_r AND zip5_l = zip5_r"
                f" AND jaro_winkler_similarity(address_line1_std_l, address_line1_std_r) >= {STREET_JW}",
                "Same house number and ZIP, similar street",
                _similar_street,
            ),
            _custom("zip5_l = zip5_r", "Same ZIP only", lambda x, y: _eq(x.get("zip5"), y.get("zip5"))),
            # same sectional centre: a move within the metro area
            _custom("substr(zip5_l, 1, 3) = substr(zip5_r, 1, 3)", "Same first 3 ZIP digits", _same_part("zip5", 1, 3)),
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
            _custom("substr(zip5_l, 1, 3) = substr(zip5_r, 1, 3)", "Same first 3 digits", _same_part("zip5", 1, 3)),
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


def _full_ssn(x: Features) -> bool:
    ssn = x.get("ssn")
    return ssn is not None and len(ssn) == 9


def _ssn() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="ssn",
        comparison_levels=[
            cll.NullLevel("ssn_last4"),
            _custom(
                "length(ssn_l) = 9 AND ssn_l = ssn_r",
                labels.SSN_SAME_FULL,
                lambda x, y: _full_ssn(x) and _eq(x.get("ssn"), y.get("ssn")),
            ),
            _custom(
                "length(ssn_l) = 9 AND length(ssn_r) = 9",
                "Different full SSN",
                lambda x, y: _full_ssn(x) and _full_ssn(y),
            ),
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


def custom_predicates() -> dict[str, Predicate]:
    """The Python predicate of every custom SQL level, keyed by its SQL (as saved in a model)."""
    for spec in COMPARISONS:
        spec.build()  # building a comparison registers its custom levels
    return dict(CUSTOM_PREDICATES)
