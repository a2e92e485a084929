"""The comparison levels the guard reads, and the guard applied to Splink's gamma values in
batch (in-memory DuckDB, no files)."""

from typing import Any

import duckdb
import pyarrow as pa
import pytest

from matching.canonical.names import first_name_variants, phonetic_keys
from matching.linkage import labels
from matching.linkage.blockers import BLOCKERS_COLUMN, guard_table, join_condition, level_labels, split_codes
from matching.linkage.comparisons import COMPARISONS
from matching.linkage.guard import POSSIBLE_TWIN


def comparison(name: str) -> Any:
    return next(spec for spec in COMPARISONS if spec.name == name).build().get_comparison("duckdb")


def first_name_level(left: str, right: str) -> str:
    """The first-name level two names reach, evaluated by DuckDB from the model's own SQL."""
    levels = comparison("first_name").as_dict()["comparison_levels"]
    cases = " ".join(
        f"WHEN {level['sql_condition']} THEN '{level['label_for_charts']}'"
        for level in levels
        if level["sql_condition"] != "ELSE"
    )
    row = {
        f"{column}_{side}": value
        for side, name in (("l", left), ("r", right))
        for column, value in (
            ("first_name_norm", name),
            ("first_name_variants", first_name_variants(name)),
            ("first_name_dm", phonetic_keys(name)),
        )
    }
    con = duckdb.connect()
    con.register("pair", pa.Table.from_pylist([row]))
    label: str = con.sql(f"SELECT CASE {cases} ELSE 'All other comparisons' END FROM pair").fetchall()[0][0]
    return label


@pytest.mark.parametrize(
    ("left", "right", "level"),
    [
        ("robert", "robert", labels.FIRST_NAME_EXACT),
        ("bob", "robert", labels.FIRST_NAME_NICKNAME),
        ("robert", "bob", labels.FIRST_NAME_NICKNAME),
        ("jon", "john", labels.FIRST_NAME_NICKNAME),
        ("jon", "jack", labels.FIRST_NAME_RELATED),  # both forms of john: twins are named like that
        ("katherine", "katharine", labels.FIRST_NAME_TYPO),
    ],
)
def test_a_nickname_of_the_other_name_is_told_from_a_related_name(left: str, right: str, level: str) -> None:
    assert first_name_level(left, right) == level


def test_gamma_values_map_to_labels_as_splink_numbers_them() -> None:
    built = [spec.build().get_comparison("duckdb") for spec in COMPARISONS]
    mapping = level_labels({"comparisons": [c.as_dict() for c in built]})
    for c in built:
        expected = {level.comparison_vector_value: level.label_for_charts for level in c.comparison_levels}
        assert mapping[c.output_column_name] == expected


def test_scored_pairs_get_the_guards_reason_codes_by_their_levels_and_payers() -> None:
    model = {"comparisons": [comparison(n).as_dict() for n in ("first_name", "dob", "member_id", "ssn")]}
    gamma = {name: {label: g for g, label in by.items()} for name, by in level_labels(model).items()}
    related, nickname = gamma["first_name"][labels.FIRST_NAME_RELATED], gamma["first_name"][labels.FIRST_NAME_NICKNAME]
    same_dob, same_id = gamma["dob"][labels.DOB_EXACT], gamma["member_id"][labels.MEMBER_ID_EXACT]
    no_ssn = gamma["ssn"]["ssn_last4 is NULL"]
    rows = [  # (first name, member id, left payer, right payer)
        (related, 0, "payer-a", "payer-b"),  # twins at two payers
        (nickname, 0, "payer-a", "payer-b"),  # Bob and Robert
        (related, same_id, "payer-a", "payer-a"),  # one membership, two source systems
        (related, same_id, "payer-a", None),  # same id, payer unknown on one side
    ]
    frame = pa.table({
        "pair": list(range(len(rows))), "gamma_first_name": [r[0] for r in rows], "gamma_dob": [same_dob] * len(rows),
        "gamma_member_id": [r[1] for r in rows], "gamma_ssn": [no_ssn] * len(rows),
        "payer_id_l": [r[2] for r in rows], "payer_id_r": [r[3] for r in rows],
    })  # fmt: skip
    con = duckdb.connect()
    con.register("frame", frame)
    table, on = guard_table(con, "frame", model)
    con.register("codes", table)
    found = con.sql(
        f"SELECT f.pair, codes.{BLOCKERS_COLUMN} FROM frame f LEFT JOIN codes ON {join_condition(on, 'f', 'codes')}"
        " ORDER BY 1"
    )
    assert [split_codes(code) for _, code in found.fetchall()] == [[POSSIBLE_TWIN], [], [], [POSSIBLE_TWIN]]


def test_a_model_trained_before_the_guard_is_refused_rather_than_holding_every_pair() -> None:
    old = comparison("first_name").as_dict()
    for level in old["comparison_levels"]:
        if level["label_for_charts"] == labels.FIRST_NAME_EXACT:
            level["label_for_charts"] = "Exact match on first_name_norm"  # Splink's own label, before the guard
    con = duckdb.connect()
    con.register("frame", pa.table({"gamma_first_name": [6]}))
    with pytest.raises(ValueError, match="retrain"):
        guard_table(con, "frame", {"comparisons": [old]})
