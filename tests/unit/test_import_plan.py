"""The offline import's column-at-a-time planning gives what the per-record planning of a Bolt
load into an empty graph gives: the same record hashes, links (every property, JSON texts
included) and must-not-link pairs, on the cases that differ between the two ways of writing it."""

from __future__ import annotations

import datetime

import pyarrow as pa

from graph.import_plan import plan_import
from graph.record_hashes import content_hashes
from graph.run_rows import plan_links, record_hashes

RECORDS = pa.table({
    "record_id": ["r1", "r2", "r3", "r4"],
    "first_name": ["Zoë", 'Say "hi"', None, "back\\slash\ttab"],
    "last_name": ["Lee", "", "O'Neil", "Ng"],
    "household": pa.array([1, None, -3, 10**12], pa.int64()),
    "verified": [True, False, None, True],
    "dob": pa.array([datetime.date(1980, 1, 2), None, datetime.date(1999, 12, 31), datetime.date(2001, 1, 1)]),
    "first_name_variants": pa.array([["ann", "anne"], [], None, ["é", 'q"']], pa.list_(pa.string())),
    "ssn": ["123456789", None, "987654321", None],
})  # fmt: skip


def pair(left: str, right: str, decision: str, weight: float | None, **extra: object) -> dict[str, object]:
    row: dict[str, object] = {
        "left_record_id": left, "right_record_id": right, "match_weight": weight, "match_probability": 0.5,
        "blocking_rule": "SAME_DOB", "must_not_link": None, "decision": decision, "auto_confirm_blockers": None,
        "mw_dob": 12.0, "gamma_dob": 3, "mw_name": 0.1, "gamma_name": 1,
    }  # fmt: skip
    return {**row, **extra}


PAIRS = [
    pair("r2", "r1", "review", 3.25),  # given right to left
    pair("r1", "r3", "confirm", 21.5, mw_name=None, gamma_name=None),
    pair("r3", "r1", "review", 4.0),  # the same pair again: the last row decides
    pair("r3", "r4", "none", -2.0, must_not_link="DIFFERENT_SSN"),
    pair("r3", "r4", "none", -3.0, must_not_link="TWINS"),  # the first must-not-link row of a pair is kept
    pair("r1", "r9", "confirm", 30.0),  # r9 is not in the run
    pair("r2", "r4", "confirm", None, auto_confirm_blockers="POSSIBLE_TWIN", mw_dob=1e-07),
]


def test_content_hashes_are_the_per_record_hashes() -> None:
    assert content_hashes(RECORDS) == record_hashes(RECORDS)
    assert content_hashes(RECORDS.slice(1, 2)) == record_hashes(RECORDS.slice(1, 2))


def test_a_float_column_falls_back_to_the_per_record_hash() -> None:
    table = RECORDS.append_column("score", pa.array([0.1, None, 1e16, 2.5]))
    assert content_hashes(table) == record_hashes(table)


def test_links_and_must_not_link_pairs_are_those_of_the_per_record_plan() -> None:
    expected = plan_links("run-1", "m1", PAIRS, [])
    ids = RECORDS.column("record_id")
    plan = plan_import("run-1", "m1", pa.Table.from_pylist(PAIRS), ids)
    known = set(ids.to_pylist())
    wanted = [c for c in expected.creates if c["left"] in known and c["right"] in known]
    got = plan.links.to_pylist()
    fields = [k for k in wanted[0] if k != "supersedes"]
    assert sorted(({k: link[k] for k in fields} for link in got), key=lambda r: str(r["link_id"])) == sorted(
        ({k: link[k] for k in fields} for link in wanted), key=lambda r: str(r["link_id"])
    )
    assert plan.decided == len(expected.creates) == 4
    assert plan.never.to_pylist() == [{"left": "r3", "right": "r4", "rule": "DIFFERENT_SSN", "match_weight": -2.0}]
