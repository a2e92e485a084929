"""Must-not-link rules: pairs that may look alike but are different people.

A pair under one of these rules is never auto-confirmed and never joins one cluster
through a chain of links; a steward may still decide otherwise, with a reason. Each rule
is SQL over a scored pair's ``_l``/``_r`` columns and is used only when its columns exist.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from matching.similarity import jaro_winkler, within_one_edit

Features = Mapping[str, Any]

# Twins' first names are usually distinct names, not typos: below 0.90 Jaro-Winkler and not
# nicknames of one another.
TWIN_FIRST_NAME_JW = 0.90


@dataclass(frozen=True)
class MustNotLinkRule:
    name: str
    needs: frozenset[str]
    sql: str
    # The same rule on two records' features in Python (real-time decisions), true only where
    # the SQL is true: a missing value never breaks a rule. A test holds the two together.
    holds: Callable[[Features, Features], bool]


def _known(x: Features, y: Features, *columns: str) -> bool:
    return all(x.get(c) is not None and y.get(c) is not None for c in columns)


def _same(x: Features, y: Features, column: str) -> bool:
    return _known(x, y, column) and bool(x[column] == y[column])


def _differ(x: Features, y: Features, column: str) -> bool:
    return _known(x, y, column) and bool(x[column] != y[column])


def _first_names_differ(x: Features, y: Features) -> bool:
    if not _known(x, y, "first_name_variants", "first_name_norm"):
        return False
    related = not set(x["first_name_variants"]).isdisjoint(y["first_name_variants"])
    return not related and jaro_winkler(x["first_name_norm"], y["first_name_norm"]) < TWIN_FIRST_NAME_JW


def _dobs_differ(x: Features, y: Features) -> bool:
    if not _known(x, y, "dob"):
        return False
    a, b = x["dob"], y["dob"]
    transposed = a[5:7] == b[8:10] and a[8:10] == b[5:7]
    return a != b and not within_one_edit(a, b) and not transposed


def _twin_base(x: Features, y: Features) -> bool:
    return _same(x, y, "dob") and _same(x, y, "last_name_norm") and _differ(x, y, "first_name_norm")


def _full_ssns_differ(x: Features, y: Features) -> bool:
    return _known(x, y, "ssn") and len(x["ssn"]) == 9 and len(y["ssn"]) == 9 and x["ssn"] != y["ssn"]


def _generation_apart(x: Features, y: Features) -> bool:
    return _dobs_differ(x, y) and abs(int(x["dob"][:4]) - int(y["dob"][:4])) >= GENERATION_YEARS


def _sexes_differ(x: Features, y: Features) -> bool:
    sexes = (x.get("sex"), y.get("sex"))
    return sexes[0] in ("M", "F") and sexes[1] in ("M", "F") and sexes[0] != sexes[1]


def _same_policy_other_person(x: Features, y: Features) -> bool:
    if not (_same(x, y, "payer_id") and _same(x, y, "subscriber_id_norm")):
        return False
    return _differ(x, y, "relationship") or _first_names_differ(x, y) or _dobs_differ(x, y)


_FIRST_NAMES_DIFFER = (
    "NOT list_has_any(first_name_variants_l, first_name_variants_r)"
    f" AND jaro_winkler_similarity(first_name_norm_l, first_name_norm_r) < {TWIN_FIRST_NAME_JW}"
)
_DOBS_DIFFER = (
    "dob_l <> dob_r AND damerau_levenshtein(dob_l, dob_r) > 1"
    " AND NOT (substr(dob_l, 6, 2) = substr(dob_r, 9, 2) AND substr(dob_l, 9, 2) = substr(dob_r, 6, 2))"
)
_TWIN_BASE = "dob_l = dob_r AND last_name_norm_l = last_name_norm_r AND first_name_norm_l <> first_name_norm_r"
# A typo can change one year digit; parents and children are further apart than that.
GENERATION_YEARS = 15

RULES: tuple[MustNotLinkRule, ...] = (
    MustNotLinkRule(
        "DIFFERENT_FULL_SSN",
        frozenset({"ssn"}),
        "length(ssn_l) = 9 AND length(ssn_r) = 9 AND ssn_l <> ssn_r",
        _full_ssns_differ,
    ),
    MustNotLinkRule(
        "DIFFERENT_FIRST_NAME_AND_DOB",  # siblings, parent and child: nothing personal agrees
        frozenset({"dob", "first_name_norm", "first_name_variants"}),
        f"{_FIRST_NAMES_DIFFER} AND {_DOBS_DIFFER}",
        lambda x, y: _first_names_differ(x, y) and _dobs_differ(x, y),
    ),
    MustNotLinkRule(
        "A_GENERATION_APART",  # Jr and Sr without a suffix
        frozenset({"dob"}),
        f"{_DOBS_DIFFER} AND abs(CAST(substr(dob_l, 1, 4) AS INTEGER) - CAST(substr(dob_r, 1, 4) AS INTEGER))"
        f" >= {GENERATION_YEARS}",
        _generation_apart,
    ),
    MustNotLinkRule(
        "SAME_BIRTHDAY_SAME_SURNAME_DIFFERENT_FIRST_NAME",  # twins and other multiples
        frozenset({"dob", "last_name_norm", "first_name_norm", "first_name_variants"}),
        f"dob_l = dob_r AND last_name_norm_l = last_name_norm_r AND {_FIRST_NAMES_DIFFER}",
        lambda x, y: _same(x, y, "dob") and _same(x, y, "last_name_norm") and _first_names_differ(x, y),
    ),
    # Twins are often given related names (Jon and Jack are both forms of John; Lee and
    # Leroy): a different spelling of the first name with one personal identifier that
    # disagrees is another person, not a nickname.
    MustNotLinkRule(
        "TWINS_DIFFERENT_MIDDLE_NAME",
        frozenset({"dob", "last_name_norm", "first_name_norm", "middle_name_norm"}),
        f"{_TWIN_BASE} AND left(middle_name_norm_l, 1) <> left(middle_name_norm_r, 1)",
        lambda x, y: (
            _twin_base(x, y)
            and _known(x, y, "middle_name_norm")
            and x["middle_name_norm"][:1] != y["middle_name_norm"][:1]
        ),
    ),
    MustNotLinkRule(
        "TWINS_DIFFERENT_SSN",
        frozenset({"dob", "last_name_norm", "first_name_norm", "ssn_last4"}),
        f"{_TWIN_BASE} AND ssn_last4_l <> ssn_last4_r",
        lambda x, y: _twin_base(x, y) and _differ(x, y, "ssn_last4"),
    ),
    MustNotLinkRule(
        "TWINS_SAME_POLICY_DIFFERENT_MEMBER_ID",
        frozenset({"dob", "last_name_norm", "first_name_norm", "payer_id", "subscriber_id_norm", "member_id_norm"}),
        f"{_TWIN_BASE} AND payer_id_l = payer_id_r AND subscriber_id_norm_l = subscriber_id_norm_r"
        " AND member_id_norm_l <> member_id_norm_r",
        lambda x, y: (
            _twin_base(x, y)
            and _same(x, y, "payer_id")
            and _same(x, y, "subscriber_id_norm")
            and _differ(x, y, "member_id_norm")
        ),
    ),
    MustNotLinkRule(
        "SAME_BIRTHDAY_SAME_SURNAME_DIFFERENT_SEX",  # boy-girl twins
        frozenset({"dob", "last_name_norm", "sex"}),
        "dob_l = dob_r AND last_name_norm_l = last_name_norm_r"
        " AND sex_l IN ('M', 'F') AND sex_r IN ('M', 'F') AND sex_l <> sex_r",
        lambda x, y: _same(x, y, "dob") and _same(x, y, "last_name_norm") and _sexes_differ(x, y),
    ),
    MustNotLinkRule(
        "DIFFERENT_GENERATIONAL_SUFFIX",  # Jr and Sr at one address
        frozenset({"suffix_norm"}),
        "suffix_norm_l IS NOT NULL AND suffix_norm_r IS NOT NULL AND suffix_norm_l <> suffix_norm_r",
        lambda x, y: _differ(x, y, "suffix_norm"),
    ),
    MustNotLinkRule(
        # Two people on one policy: one payer, one subscriber id, but a different relationship,
        # first name or date of birth. The same person keeps all three on a policy.
        "SAME_POLICY_DIFFERENT_PERSON",
        frozenset({"payer_id", "subscriber_id_norm", "relationship", "dob", "first_name_norm", "first_name_variants"}),
        "payer_id_l = payer_id_r AND subscriber_id_norm_l = subscriber_id_norm_r AND ("
        " (relationship_l IS NOT NULL AND relationship_r IS NOT NULL AND relationship_l <> relationship_r)"
        f" OR ({_FIRST_NAMES_DIFFER}) OR ({_DOBS_DIFFER}))",
        _same_policy_other_person,
    ),
)


def rules_for(columns: Collection[str]) -> list[MustNotLinkRule]:
    return [rule for rule in RULES if rule.needs <= set(columns)]


def must_not_link_sql(columns: Collection[str]) -> str:
    """A SQL CASE giving the first rule a pair breaks (NULL when none)."""
    rules = rules_for(columns)
    if not rules:
        return "CAST(NULL AS VARCHAR)"
    cases = " ".join(f"WHEN coalesce({rule.sql}, false) THEN '{rule.name}'" for rule in rules)
    return f"CASE {cases} ELSE NULL END"


def broken_rule(x: Features, y: Features, columns: Collection[str]) -> str | None:
    """The first rule two records break (the Python twin of ``must_not_link_sql``)."""
    return next((rule.name for rule in rules_for(columns) if rule.holds(x, y)), None)


def columns_needed(columns: Collection[str]) -> set[str]:
    return set().union(*(rule.needs for rule in rules_for(columns))) if rules_for(columns) else set()
