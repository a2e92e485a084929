"""One validated record's matching features in plain Python: the same rules as the DuckDB
normalisation (``matching.canonical.normalise``), for a request that cannot wait 16 ms for
DuckDB. A test holds the two to identical output on a generated population."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from matching.canonical.names import first_name_variants, phonetic_keys
from matching.canonical.normalise import SUFFIX_WORDS, street_words

_NAME_PUNCTUATION = re.compile("['’`.]")
_NAME_OTHER = re.compile("[^a-z]+")
_SUFFIX = re.compile(" (jr|sr|ii|iii|iv)$")
_ADDRESS_OTHER = re.compile("[^A-Z0-9#]+")
_UNIT = re.compile("^(.*?) (APT|APARTMENT|UNIT|STE|SUITE|RM|ROOM|FL|FLOOR|BLDG|LOT|#) ?([A-Z0-9-]+)$")
_HOUSE_NUMBER = re.compile("^([0-9]+[A-Z]?) ")
_LAST_WORD = re.compile("([A-Z0-9-]+)$")
_ID_OTHER = re.compile("[^A-Za-z0-9]")


def normalise_id(value: str) -> str | None:
    """A member or subscriber id as matching compares it: letters and digits, upper case."""
    return _ID_OTHER.sub("", value).upper() or None


def _strip_accents(value: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", value) if not unicodedata.combining(c))


def _name(value: str | None) -> str | None:
    if value is None:
        return None
    cleaned = _NAME_OTHER.sub(" ", _NAME_PUNCTUATION.sub("", _strip_accents(value).lower())).strip()
    return cleaned or None


def _address_words(value: str) -> str:
    return _ADDRESS_OTHER.sub(" ", _strip_accents(value).upper().replace("#", " # ")).strip()


def _abbreviate(street: str) -> str | None:
    words = street_words()
    return " ".join(words.get(w, w) for w in street.split(" ") if w) or None


def features(record: Mapping[str, Any]) -> dict[str, Any]:
    """The validated values (as given) plus every feature the DuckDB normalisation adds."""
    out: dict[str, Any] = dict(record)
    out["first_name_norm"] = first = _name(record.get("first_name"))
    out["middle_name_norm"] = _name(record.get("middle_name"))
    full_last = _name(record.get("last_name"))
    last = (_SUFFIX.sub("", full_last).strip() or None) if full_last else None
    out["last_name_norm"] = last
    suffix_in_last = (m.group(1) if (m := _SUFFIX.search(full_last)) else None) if full_last else None
    raw_suffix = _name(record.get("suffix")) or suffix_in_last
    out["suffix_norm"] = SUFFIX_WORDS.get(raw_suffix, raw_suffix) if raw_suffix else None
    out["first_name_variants"] = first_name_variants(first) if first else None
    out["first_name_dm"] = phonetic_keys(first) if first else None
    out["last_name_dm"] = dm = phonetic_keys(last) if last else None
    out["last_name_key"] = dm[0] if dm else None
    units: list[str | None] = []
    line1 = record.get("address_line1")
    if line1 is not None:
        words = _address_words(line1)
        unit = _UNIT.match(words)
        out["address_line1_std"] = _abbreviate(unit.group(1) if unit else words)
        number = _HOUSE_NUMBER.match(words)
        out["address_number"] = number.group(1) if number else None
        units.append(unit.group(3) if unit else None)
    else:
        out["address_line1_std"] = out["address_number"] = None
    line2 = record.get("address_line2")
    if line2 is not None:
        found = _LAST_WORD.search(_address_words(line2))
        units.append(found.group(1) if found else None)
    out["address_unit"] = next((u for u in units if u), None)
    city = record.get("city")
    out["city_norm"] = (_address_words(city) or None) if city is not None else None
    zip_code = record.get("zip")
    out["zip5"] = zip_code[:5] if zip_code is not None else None
    for column in ("member_id", "subscriber_id"):
        value = record.get(column)
        out[f"{column}_norm"] = normalise_id(value) if value is not None else None
    ssn = record.get("ssn")
    out["ssn_last4"] = ssn[-4:] if ssn is not None else None
    email = record.get("email")
    out["email_user"] = email.split("@", 1)[0] if email is not None else None
    return out
