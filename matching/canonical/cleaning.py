"""Pure cleaning rules for one value of one canonical column.

Each rule returns ``(clean_value, None)`` or ``(None, reason_code)``: an invalid value is
nulled, never guessed, and the reason is reported. Empty input is simply absent.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache

import phonenumbers

Cleaned = tuple[str | None, str | None]

_WS = re.compile(r"\s+")
_EMAIL = re.compile(r"^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9-]{1,63})+$")
_DATE_FORMATS = ("%Y-%m-%d", "%Y%m%d", "%m/%d/%Y")
OLDEST_DOB = date(1900, 1, 1)

SEX_CODES = {
    "m": "M", "male": "M", "man": "M",
    "f": "F", "female": "F", "woman": "F",
    "u": "U", "unknown": "U", "unk": "U", "o": "U", "other": "U", "x": "U",
}  # fmt: skip
RELATIONSHIP_CODES = {
    "self": "self", "subscriber": "self", "18": "self", "member": "self",
    "spouse": "spouse", "01": "spouse", "1": "spouse", "wife": "spouse", "husband": "spouse", "partner": "spouse",
    "child": "child", "19": "child", "son": "child", "daughter": "child", "dependent child": "child",
    "other": "other", "dependent": "other", "g8": "other",
}  # fmt: skip
US_STATES = {
    "AL": "alabama", "AK": "alaska", "AZ": "arizona", "AR": "arkansas", "CA": "california", "CO": "colorado",
    "CT": "connecticut", "DE": "delaware", "DC": "district of columbia", "FL": "florida", "GA": "georgia",
    "HI": "hawaii", "ID": "idaho", "IL": "illinois", "IN": "indiana", "IA": "iowa", "KS": "kansas",
    "KY": "kentucky", "LA": "louisiana", "ME": "maine", "MD": "maryland", "MA": "massachusetts",
    "MI": "michigan", "MN": "minnesota", "MS": "mississippi", "MO": "missouri", "MT": "montana",
    "NE": "nebraska", "NV": "nevada", "NH": "new hampshire", "NJ": "new jersey", "NM": "new mexico",
    "NY": "new york", "NC": "north carolina", "ND": "north dakota", "OH": "ohio", "OK": "oklahoma",
    "OR": "oregon", "PA": "pennsylvania", "RI": "rhode island", "SC": "south carolina", "SD": "south dakota",
    "TN": "tennessee", "TX": "texas", "UT": "utah", "VT": "vermont", "VA": "virginia", "WA": "washington",
    "WV": "west virginia", "WI": "wisconsin", "WY": "wyoming", "PR": "puerto rico", "GU": "guam",
    "VI": "virgin islands", "AS": "american samoa", "MP": "northern mariana islands",
}  # fmt: skip
_STATE_BY_NAME = {name: code for code, name in US_STATES.items()}


def text(value: str | None) -> str | None:
    """Trim and collapse whitespace; empty becomes absent."""
    if value is None:
        return None
    cleaned = _WS.sub(" ", value).strip()
    return cleaned or None


def parse_date(value: str) -> date | None:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def dob(value: str, today: date) -> Cleaned:
    parsed = parse_date(value)
    if parsed is None:
        return None, "dob_unparsable"
    if parsed > today:
        return None, "dob_in_future"
    if parsed < OLDEST_DOB:
        return None, "dob_implausible"
    return parsed.isoformat(), None


def coverage_date(value: str, column: str) -> Cleaned:
    parsed = parse_date(value)
    return (parsed.isoformat(), None) if parsed else (None, f"{column}_unparsable")


def zip_code(value: str) -> Cleaned:
    digits = re.sub(r"[\s-]", "", value)
    if not digits.isdigit() or len(digits) not in (4, 5, 8, 9):
        return None, "zip_invalid"
    if len(digits) in (4, 8):  # a leading zero lost by a spreadsheet (e.g. 2134 for 02134)
        digits = "0" + digits
    if digits[:5] == "00000":
        return None, "zip_invalid"
    return (digits if len(digits) == 5 else f"{digits[:5]}-{digits[5:]}"), None


@lru_cache(maxsize=200_000)
def phone(value: str) -> Cleaned:
    """E.164 for valid numbers (US by default, international when written with +)."""
    try:
        parsed = phonenumbers.parse(value, "US")
    except phonenumbers.NumberParseException:
        return None, "phone_invalid"
    if not phonenumbers.is_valid_number(parsed):
        return None, "phone_invalid"
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164), None


def email(value: str) -> Cleaned:
    lowered = value.strip().lower()
    return (lowered, None) if _EMAIL.match(lowered) else (None, "email_invalid")


def ssn(value: str) -> Cleaned:
    """Digits only: the last four, or all nine when the number is a possible SSN."""
    digits = re.sub(r"[\s-]", "", value)
    if not digits.isdigit() or len(digits) not in (4, 9):
        return None, "ssn_invalid"
    if len(digits) == 4:
        return (digits, None) if digits != "0000" else (None, "ssn_invalid")
    area, group, serial = digits[:3], digits[3:5], digits[5:]
    if area in ("000", "666") or area[0] == "9" or group == "00" or serial == "0000":
        return None, "ssn_invalid"
    return digits, None


def sex(value: str) -> Cleaned:
    code = SEX_CODES.get(value.strip().lower())
    return (code, None) if code else (None, "sex_invalid")


def relationship(value: str) -> Cleaned:
    code = RELATIONSHIP_CODES.get(value.strip().lower())
    return (code, None) if code else (None, "relationship_invalid")


def state(value: str) -> Cleaned:
    upper = value.strip().upper().replace(".", "")
    if upper in US_STATES:
        return upper, None
    code = _STATE_BY_NAME.get(value.strip().lower())
    return (code, None) if code else (None, "state_invalid")
