"""The canonical member schema: one row per source record. Only ``record_id`` is required;
every other column may be absent or empty, and everything downstream adapts to the
columns present."""

from __future__ import annotations

from typing import Final

RECORD_ID: Final = "record_id"

# In the order files are written. All values are strings in files (dates as YYYY-MM-DD).
CANONICAL_COLUMNS: Final[tuple[str, ...]] = (
    "record_id",
    "payer_id",
    "source_system",
    "member_id",
    "subscriber_id",
    "relationship",  # self, spouse, child, other
    "first_name",
    "middle_name",
    "last_name",
    "suffix",
    "dob",  # YYYY-MM-DD
    "sex",  # M, F, U (normalised from male/female/unknown/...)
    "address_line1",
    "address_line2",
    "city",
    "state",  # two-letter USPS code
    "zip",  # ZIP5 or ZIP+4
    "phone",
    "email",
    "ssn",  # last 4 or full 9 digits
    "coverage_start",  # YYYY-MM-DD
    "coverage_end",  # YYYY-MM-DD, empty while coverage is open
)

RELATIONSHIPS: Final = ("self", "spouse", "child", "other")
DATE_COLUMNS: Final = ("dob", "coverage_start", "coverage_end")
