"""Normalisation of validated records, vectorised in DuckDB.

Adds matching features beside the validated values (which stay as they were, for
stewards and evidence). Only features whose source columns are present are produced:

| feature | from | rule |
|---|---|---|
| first/middle/last_name_norm | names | lower case, accents and punctuation removed, hyphens to spaces |
| suffix_norm | suffix, or a trailing jr/sr/ii/iii/iv on last_name | junior -> jr, 2nd -> ii |
| first_name_variants | first_name_norm | itself plus formal names it is a nickname of |
| first_name_dm / last_name_dm | names | double-metaphone keys |
| last_name_key | last_name_norm | primary double-metaphone key (graph index) |
| address_line1_std | address_line1 | upper case, USPS Pub 28 street types and directionals, unit moved out |
| address_unit | address lines | the unit identifier (4B in "Apt 4B", "#4B", "Apartment 4B") |
| address_number | address_line1_std | leading house number |
| city_norm, zip5 | city, zip | upper case; first five digits |
| member_id_norm / subscriber_id_norm | ids | upper case, letters and digits only |
| ssn_last4 | ssn | last four digits |
| email_user | email | the part before @ |
"""

from __future__ import annotations

from functools import cache

import duckdb
import pyarrow as pa
from scourgify import address_constants as usps

from matching.canonical.names import first_name_variants, phonetic_keys

_NAME = (
    "nullif(trim(regexp_replace(regexp_replace(lower(strip_accents({c})), '[''’`.]', '', 'g'),"
    " '[^a-z]+', ' ', 'g')), '')"
)
_SUFFIX_RE = "' (jr|sr|ii|iii|iv)$'"
_ADDRESS_WORDS = "trim(regexp_replace(replace(upper(strip_accents({c})), '#', ' # '), '[^A-Z0-9#]+', ' ', 'g'))"
_UNIT_RE = "'^(.*?) (APT|APARTMENT|UNIT|STE|SUITE|RM|ROOM|FL|FLOOR|BLDG|LOT|#) ?([A-Z0-9-]+)$'"
SUFFIX_WORDS = {"junior": "jr", "senior": "sr", "2nd": "ii", "3rd": "iii", "4th": "iv", "second": "ii", "third": "iii"}


@cache
def street_words() -> dict[str, str]:
    words = {k.upper(): v.upper() for k, v in usps.STREET_TYPE_ABBREVIATIONS.items()}
    words.update({k.upper(): v.upper() for k, v in usps.DIRECTIONAL_REPLACEMENTS.items()})
    return words


def _abbreviate(expr: str, table: str) -> str:
    return (
        f"nullif(array_to_string(list_transform(list_filter(string_split({expr}, ' '), lambda w: w <> ''),"
        f" lambda w: coalesce({table}.m[w], w)), ' '), '')"
    )


def _lookup_tables(con: duckdb.DuckDBPyConnection, first_names: list[str], last_names: list[str]) -> None:
    con.register("first_lookup", pa.table({
        "name": pa.array(first_names, pa.string()),
        "variants": pa.array([first_name_variants(n) for n in first_names], pa.list_(pa.string())),
        "dm": pa.array([phonetic_keys(n) for n in first_names], pa.list_(pa.string())),
    }))  # fmt: skip
    con.register("last_lookup", pa.table({
        "name": pa.array(last_names, pa.string()),
        "dm": pa.array([phonetic_keys(n) for n in last_names], pa.list_(pa.string())),
    }))  # fmt: skip
    words = street_words()
    con.register("street_words_rows", pa.table({"k": list(words), "v": list(words.values())}))
    con.execute("CREATE OR REPLACE TEMP TABLE street_words AS SELECT map(list(k), list(v)) AS m FROM street_words_rows")


def normalise(records: pa.Table, con: duckdb.DuckDBPyConnection | None = None) -> pa.Table:
    """Validated canonical records in, the same rows with matching features added out."""
    own = con is None
    con = con or duckdb.connect()
    try:
        return _normalise(con, records)
    finally:
        if own:
            con.close()


def _normalise(con: duckdb.DuckDBPyConnection, records: pa.Table) -> pa.Table:
    present = set(records.column_names)
    con.register("validated", records)
    stage = ["v.*"]
    if "first_name" in present:
        stage.append(f"{_NAME.format(c='v.first_name')} AS first_name_norm")
    if "middle_name" in present:
        stage.append(f"{_NAME.format(c='v.middle_name')} AS middle_name_norm")
    if "last_name" in present:
        full = _NAME.format(c="v.last_name")
        stage.append(f"nullif(trim(regexp_replace({full}, {_SUFFIX_RE}, '')), '') AS last_name_norm")
        stage.append(f"nullif(regexp_extract({full}, {_SUFFIX_RE}, 1), '') AS suffix_in_last_name")
    con.execute(f"CREATE OR REPLACE TEMP TABLE staged AS SELECT {', '.join(stage)} FROM validated v")

    first = _distinct(con, "first_name_norm") if "first_name" in present else []
    last = _distinct(con, "last_name_norm") if "last_name" in present else []
    _lookup_tables(con, first, last)

    select = ["s.* EXCLUDE (suffix_in_last_name)" if "last_name" in present else "s.*"]
    joins = []
    suffix_sources = [_NAME.format(c="s.suffix")] if "suffix" in present else []
    if "last_name" in present:
        suffix_sources.append("s.suffix_in_last_name")
    if suffix_sources:
        raw_suffix = f"coalesce({', '.join(suffix_sources)})"
        cases = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in SUFFIX_WORDS.items())
        select.append(f"CASE {raw_suffix} {cases} ELSE {raw_suffix} END AS suffix_norm")
    if "first_name" in present:
        joins.append("LEFT JOIN first_lookup fl ON fl.name = s.first_name_norm")
        select += ["fl.variants AS first_name_variants", "fl.dm AS first_name_dm"]
    if "last_name" in present:
        joins.append("LEFT JOIN last_lookup ll ON ll.name = s.last_name_norm")
        select += ["ll.dm AS last_name_dm", "ll.dm[1] AS last_name_key"]
    units = []
    if "address_line1" in present:
        line1 = _ADDRESS_WORDS.format(c="s.address_line1")
        street = f"regexp_replace({line1}, {_UNIT_RE}, '\\1')"
        select.append(f"{_abbreviate(street, 'sw')} AS address_line1_std")
        select.append(f"nullif(regexp_extract({line1}, '^([0-9]+[A-Z]?) ', 1), '') AS address_number")
        units.append(f"nullif(regexp_extract({line1}, {_UNIT_RE}, 3), '')")
        joins.append("CROSS JOIN street_words sw")
    if "address_line2" in present:
        units.append(f"nullif(regexp_extract({_ADDRESS_WORDS.format(c='s.address_line2')}, '([A-Z0-9-]+)$', 1), '')")
    if units:
        select.append(f"coalesce({', '.join(units)}) AS address_unit")
    if "city" in present:
        select.append(f"nullif({_ADDRESS_WORDS.format(c='s.city')}, '') AS city_norm")
    if "zip" in present:
        select.append("left(s.zip, 5) AS zip5")
    for column in ("member_id", "subscriber_id"):
        if column in present:
            select.append(f"nullif(upper(regexp_replace(s.{column}, '[^A-Za-z0-9]', '', 'g')), '') AS {column}_norm")
    if "ssn" in present:
        select.append("right(s.ssn, 4) AS ssn_last4")
    if "email" in present:
        select.append("split_part(s.email, '@', 1) AS email_user")
    sql = f"SELECT {', '.join(select)} FROM staged s {' '.join(joins)}"
    return con.sql(sql).to_arrow_table()


def _distinct(con: duckdb.DuckDBPyConnection, column: str) -> list[str]:
    rows = con.sql(f"SELECT DISTINCT {column} FROM staged WHERE {column} IS NOT NULL ORDER BY 1").fetchall()
    return [r[0] for r in rows]
