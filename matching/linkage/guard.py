"""The auto-confirm guard: pairs a high score must not confirm on its own.

Twins share everything a household shares (surname, date of birth, address, phone) and
are often given related first names (Jon and Jack, both forms of John). However high such
a pair scores, nothing in it says which twin a record belongs to unless the first names
identify the person or a personal identifier agrees. So a pair is held for a steward
(``POSSIBLE_TWIN``) when

- its dates of birth agree (exactly, day and month transposed, or one digit off),
- its first names do not identify the person: they are not the same name, one typo
  apart, or a name and its own nickname (Bob and Robert); related names (Jon and Jack),
  names that only sound alike or look loosely alike, different or missing names do not,
- and no personal identifier agrees: neither the SSN (full or last four digits) nor the
  member id at the same payer.

Address and phone are not asked: twins share them while they live together, and a pair
that also differs there is no more certainly one person.

Pure: batch prediction calls it once per distinct combination of levels
(``matching.linkage.blockers``) and real-time scoring with the levels it computed.
``levels`` maps a comparison's output column (``first_name``, ``dob``, ``ssn``,
``member_id``) to the ``label_for_charts`` of the level the pair reached, as saved in the
model JSON; a comparison the model lacks is simply absent.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any, Final

from matching.linkage import labels

POSSIBLE_TWIN: Final = "POSSIBLE_TWIN"
# The record features the guard reads besides the levels.
GUARD_FEATURES: Final = ("payer_id",)

# The labels the guard reads, by comparison: a model whose comparison lacks one of them was
# trained before the guard (its levels are named otherwise) and must be retrained.
LABELS_READ: Final = {
    "first_name": frozenset({labels.FIRST_NAME_EXACT, labels.FIRST_NAME_NICKNAME, labels.FIRST_NAME_RELATED,
                             labels.FIRST_NAME_TYPO}),
    "dob": frozenset({labels.DOB_EXACT, labels.DOB_TRANSPOSED, labels.DOB_ONE_DIGIT}),
    "ssn": frozenset({labels.SSN_SAME_FULL, labels.SSN_SAME_LAST4}),
    "member_id": frozenset({labels.MEMBER_ID_EXACT}),
}  # fmt: skip
_SAME_BIRTHDAY = frozenset({labels.DOB_EXACT, labels.DOB_TRANSPOSED, labels.DOB_ONE_DIGIT})
_FIRST_NAME_IDENTIFIES = frozenset({labels.FIRST_NAME_EXACT, labels.FIRST_NAME_TYPO, labels.FIRST_NAME_NICKNAME})
_SSN_AGREES = frozenset({labels.SSN_SAME_FULL, labels.SSN_SAME_LAST4})


def auto_confirm_blockers(
    levels: Mapping[str, str],
    features_l: Mapping[str, Any] | None = None,
    features_r: Mapping[str, Any] | None = None,
) -> list[str]:
    """Reason codes that keep this pair from being auto-confirmed (empty: it may be)."""
    if (
        levels.get("dob") in _SAME_BIRTHDAY
        and levels.get("first_name") not in _FIRST_NAME_IDENTIFIES
        and not _personal_identifier_agrees(levels, features_l or {}, features_r or {})
    ):
        return [POSSIBLE_TWIN]
    return []


def _personal_identifier_agrees(levels: Mapping[str, str], left: Mapping[str, Any], right: Mapping[str, Any]) -> bool:
    if levels.get("ssn") in _SSN_AGREES:
        return True
    # Member ids are only unique within a payer (and twins on one policy differ in them).
    same_payer = left.get("payer_id") is not None and left.get("payer_id") == right.get("payer_id")
    return same_payer and levels.get("member_id") == labels.MEMBER_ID_EXACT


def missing_labels(labels_by_comparison: Mapping[str, Collection[str]]) -> list[str]:
    """The labels the guard reads that a model's comparisons lack (empty: the guard knows it)."""
    return sorted(
        label
        for name, wanted in LABELS_READ.items()
        if name in labels_by_comparison
        for label in wanted - set(labels_by_comparison[name])
    )
