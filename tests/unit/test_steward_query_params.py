"""How ``p2p steward query`` reads ``--param name=value`` (pure: no database)."""

from __future__ import annotations

import pytest

from graph.cypher import CypherLibrary
from p2p.cli.common import UserError
from p2p.cli.steward_query_cmd import check_params, parse_param, saved_queries
from p2p.settings import PROJECT_ROOT


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("limit=10", ("limit", 10)),
        ("max_weight=4.5", ("max_weight", 4.5)),
        ("max_weight=-.5", ("max_weight", -0.5)),
        ("member_key='M-3f2a'", ("member_key", "M-3f2a")),
        ('member_key="M-3f2a"', ("member_key", "M-3f2a")),
        ("member_key=M-3f2a", ("member_key", "M-3f2a")),
        ("record_id='0123'", ("record_id", "0123")),
        ("flag=true", ("flag", True)),
        (" limit = 7 ", ("limit", 7)),
        ("note=a=b", ("note", "a=b")),
    ],
)
def test_values_become_numbers_booleans_or_text(text: str, expected: tuple[str, object]) -> None:
    assert parse_param(text) == expected


@pytest.mark.parametrize("text", ["limit", "=3", "1abc=2", "a b=1", "x'=1"])
def test_a_malformed_parameter_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="name=value"):
        parse_param(text)


def test_only_read_only_steward_files_are_offered() -> None:
    saved = saved_queries(CypherLibrary(PROJECT_ROOT / "cypher"))
    assert {"held_transfers", "why_linked", "review_queue"} <= saved.keys()
    assert saved["why_linked"] == {"left_record_id", "right_record_id"}
    assert all("/" not in name for name in saved)


def test_missing_and_unknown_parameters_are_named() -> None:
    with pytest.raises(UserError, match="why_linked takes left_record_id, right_record_id: missing right_record_id; "
                       "unknown limit"):  # fmt: skip
        check_params(
            "why_linked", frozenset({"left_record_id", "right_record_id"}), {"left_record_id": "x", "limit": 1}
        )
    check_params("held_transfers", frozenset({"limit"}), {"limit": 3})


def test_a_whole_number_beyond_64_bits_is_refused_before_the_driver_sees_it() -> None:
    assert parse_param(f"limit={2**63 - 1}") == ("limit", 2**63 - 1)
    with pytest.raises(ValueError, match="at most 19 digits"):
        parse_param(f"limit={2**63}")
