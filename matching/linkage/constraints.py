"""Must-not-link rules: pairs that may look alike but are different people.

A pair under one of these rules is never auto-confirmed and never joins one cluster
through a chain of links; a steward may still decide otherwise, with a reason. Each rule
is SQL over a scored pair's ``_l``/``_r`` columns and is used only when its columns exist.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

# Twins' first names are usually distinct names, not typos: below 0.90 Jaro-Winkler and not
# nicknames of one another.
TWIN_FIRST_NAME_JW = 0.90


@dataclass(frozen=True)
class MustNotLinkRule:
    name: str
    needs: frozenset[str]
    sql: str


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
    ),
    MustNotLinkRule(
        "DIFFERENT_FIRST_NAME_AND_DOB",  # siblings, parent and child: nothing personal agrees
        frozenset({"dob", "first_name_norm", "first_name_variants"}),
        f"{_FIRST_NAMES_DIFFER} AND {_DOBS_DIFFER}",
    ),
    MustNotLinkRule(
        "A_GENERATION_APART",  # Jr and Sr without a suffix
        frozenset({"dob"}),
        f"{_DOBS_DIFFER} AND abs(CAST(substr(dob_l, 1, 4) AS INTEGER) - CAST(substr(dob_r, 1, 4) AS INTEGER))"
        f" >= {GENERATION_YEARS}",
    ),
    MustNotLinkRule(
        "SAME_BIRTHDAY_SAME_SURNAME_DIFFERENT_FIRST_NAME",  # twins and other multiples
        frozenset({"dob", "last_name_norm", "first_name_norm", "first_name_variants"}),
        f"dob_l = dob_r AND last_name_norm_l = last_name_norm_r AND {_FIRST_NAMES_DIFFER}",
    ),
    # Twins are often given related names (Jon and Jack are both forms of John; Lee and
    # Leroy): a different spelling of the first name with one personal identifier that
    # disagrees is another person, not a nickname.
    MustNotLinkRule(
        "TWINS_DIFFERENT_MIDDLE_NAME",
        frozenset({"dob", "last_name_norm", "first_name_norm", "middle_name_norm"}),
        f"{_TWIN_BASE} AND left(middle_name_norm_l, 1) <> left(middle_name_norm_r, 1)",
    ),
    MustNotLinkRule(
        "TWINS_DIFFERENT_SSN",
        frozenset({"dob", "last_name_norm", "first_name_norm", "ssn_last4"}),
        f"{_TWIN_BASE} AND ssn_last4_l <> ssn_last4_r",
    ),
    MustNotLinkRule(
        "TWINS_SAME_POLICY_DIFFERENT_MEMBER_ID",
        frozenset({"dob", "last_name_norm", "first_name_norm", "payer_id", "subscriber_id_norm", "member_id_norm"}),
        f"{_TWIN_BASE} AND payer_id_l = payer_id_r AND subscriber_id_norm_l = subscriber_id_norm_r"
        " AND member_id_norm_l <> member_id_norm_r",
    ),
    MustNotLinkRule(
        "SAME_BIRTHDAY_SAME_SURNAME_DIFFERENT_SEX",  # boy-girl twins
        frozenset({"dob", "last_name_norm", "sex"}),
        "dob_l = dob_r AND last_name_norm_l = last_name_norm_r"
        " AND sex_l IN ('M', 'F') AND sex_r IN ('M', 'F') AND sex_l <> sex_r",
    ),
    MustNotLinkRule(
        "DIFFERENT_GENERATIONAL_SUFFIX",  # Jr and Sr at one address
        frozenset({"suffix_norm"}),
        "suffix_norm_l IS NOT NULL AND suffix_norm_r IS NOT NULL AND suffix_norm_l <> suffix_norm_r",
    ),
    MustNotLinkRule(
        # Two people on one policy: one payer, one subscriber id, but a different relationship,
        # first name or date of birth. The same person keeps all three on a policy.
        "SAME_POLICY_DIFFERENT_PERSON",
        frozenset({"payer_id", "subscriber_id_norm", "relationship", "dob", "first_name_norm", "first_name_variants"}),
        "payer_id_l = payer_id_r AND subscriber_id_norm_l = subscriber_id_norm_r AND ("
        " (relationship_l IS NOT NULL AND relationship_r IS NOT NULL AND relationship_l <> relationship_r)"
        f" OR ({_FIRST_NAMES_DIFFER}) OR ({_DOBS_DIFFER}))",
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


def columns_needed(columns: Collection[str]) -> set[str]:
    return set().union(*(rule.needs for rule in rules_for(columns))) if rules_for(columns) else set()
