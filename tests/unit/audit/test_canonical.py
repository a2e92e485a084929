"""The canonical form every hash is computed over: sorted keys, no white space, UTF-8, every field."""

import json

import pytest

from audit.domain.canonical import GENESIS_HASH, HASHED_FIELDS, canonical_json, event_hash, sha256_hex
from tests.unit.audit.factories import chain


def test_canonical_json_sorts_keys_has_no_white_space_and_keeps_utf8() -> None:
    assert canonical_json({"b": 1, "a": ["é", None, True]}) == '{"a":["é",null,true],"b":1}'.encode()


def test_floats_have_no_canonical_form_and_are_refused_anywhere() -> None:
    with pytest.raises(ValueError, match="floats"):
        canonical_json({"a": {"b": [1.5]}})


def test_the_hash_is_sha256_of_exactly_the_listed_fields() -> None:
    event = chain(1)[0].model_dump(mode="json")
    expected = sha256_hex(json.dumps({f: event.get(f) for f in HASHED_FIELDS}, sort_keys=True,
                                     separators=(",", ":"), ensure_ascii=False).encode())  # fmt: skip
    assert event_hash(event) == expected == event["hash"]
    assert event_hash({**event, "not_hashed": "x"}) == expected


@pytest.mark.parametrize("name", HASHED_FIELDS)
def test_changing_any_hashed_field_changes_the_hash(name: str) -> None:
    event = chain(1)[0].model_dump(mode="json")
    changed = {**event, name: "something else" if event.get(name) != "something else" else "other"}
    assert event_hash(changed) != event_hash(event)


def test_seq_and_prev_hash_are_in_the_hashed_fields_and_genesis_is_64_zeros() -> None:
    assert {"seq", "prev_hash", "occurred_at", "member_keys", "details"} <= set(HASHED_FIELDS)
    assert GENESIS_HASH == "0" * 64 and chain(1)[0].prev_hash == GENESIS_HASH
