"""What a Patient ``$everything`` may release, decided over plain values: the resource types
asked for, the five-year look-back, the consent re-checked on the day of release, what a
``#regular`` consent withholds, the page cursor and the one-business-day answer rule.
Pure: no FHIR library, no I/O, no clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

from exchange.domain.business_days import add_business_days
from exchange.domain.consent import ConsentRefusal

# The types our member data store holds (PDex payer-to-payer: clinical and non-financial claims).
RELEASABLE_TYPES: Final = ("Patient", "Coverage", "ExplanationOfBenefit", "Encounter", "Condition", "Observation",
                           "Procedure", "MedicationDispense")  # fmt: skip
# Who the member is and what covered them: released whatever their date (the look-back is about care).
UNDATED_TYPES: Final = ("Patient", "Coverage")
LOOK_BACK_YEARS: Final = 5  # CMS-0057-F: data with a date of service on or after January 1, 2016, at most 5 years
# Security labels (v3 ActCode / Confidentiality) that mark data a #regular consent does not cover.
SENSITIVE_LABELS: Final = ("R", "V", "PSY", "BH", "ETH", "SUD", "HIV", "SDV", "SEX", "GDIS")
ANSWER_WITHIN_BUSINESS_DAYS: Final = 1


class ReleaseInputError(ValueError):
    """A parameter of the request that cannot be honoured as sent (a 400)."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter


def requested_types(text: str | None) -> tuple[str, ...]:
    """``_type`` (comma-separated) as a sorted tuple; empty means every type. Unknown types are refused."""
    if text is None or not text.strip():
        return ()
    asked = {t.strip() for t in text.split(",") if t.strip()}
    unknown = sorted(asked - set(RELEASABLE_TYPES))
    if unknown:
        allowed = ", ".join(RELEASABLE_TYPES)
        raise ReleaseInputError("_type", f"unknown resource type {', '.join(unknown)} (we hold: {allowed})")
    return tuple(sorted(asked))


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # February 29 in a year that has none
        return day.replace(year=day.year - years, day=28)


def clamped_since(since: date | None, today: date) -> date:
    """The earliest date of service released: ``_since``, never more than five years back."""
    earliest = years_before(today, LOOK_BACK_YEARS)
    return earliest if since is None or since < earliest else since


@dataclass(frozen=True)
class RecordedConsent:
    """The consent a partner's ``$member-match`` carried, as we recorded it."""

    policy: str | None  # "regular" or "sensitive"
    period_start: date | None
    period_end: date | None


@dataclass(frozen=True)
class ConsentAtRelease:
    refusal: ConsentRefusal | None
    include_sensitive: bool = False


def consent_at_release(consent: RecordedConsent | None, today: date) -> ConsentAtRelease:
    """The recorded consent must still hold today; ``#sensitive`` releases everything, ``#regular``
    withholds sensitive data."""
    if consent is None:
        return ConsentAtRelease(ConsentRefusal.MISSING)
    if consent.policy not in ("regular", "sensitive"):
        return ConsentAtRelease(ConsentRefusal.UNKNOWN_POLICY)
    if consent.period_start is None or consent.period_end is None:
        return ConsentAtRelease(ConsentRefusal.NO_PERIOD)
    if today < consent.period_start:
        return ConsentAtRelease(ConsentRefusal.NOT_YET_VALID)
    if today > consent.period_end:
        return ConsentAtRelease(ConsentRefusal.EXPIRED)
    return ConsentAtRelease(None, include_sensitive=consent.policy == "sensitive")


def withheld(sensitive: bool, security_labels: str | None, include_sensitive: bool) -> bool:
    """Whether one resource is kept back: flagged sensitive, or carrying a sensitive label."""
    if include_sensitive:
        return False
    labels = {label.strip() for label in (security_labels or "").split(",")}
    return sensitive or bool(labels & set(SENSITIVE_LABELS))


def answered_in_time(requested_on: date, released_on: date) -> bool:
    return released_on <= add_business_days(requested_on, ANSWER_WITHIN_BUSINESS_DAYS)


Cursor = tuple[str, str]  # (resource type, resource id) of the last resource of the previous page


def parse_cursor(text: str | None) -> Cursor | None:
    if text is None:
        return None
    kind, slash, rid = text.partition("/")
    if not slash or kind not in RELEASABLE_TYPES or not rid:
        raise ReleaseInputError("_page_after", "not a page cursor: follow the Bundle's next link")
    return kind, rid


def format_cursor(cursor: Cursor) -> str:
    return f"{cursor[0]}/{cursor[1]}"
