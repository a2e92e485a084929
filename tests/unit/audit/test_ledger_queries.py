"""The code offers no way to edit the ledger: the only query that writes events creates one."""

import re

import pytest

from graph.cypher import CypherLibrary
from p2p.settings import PROJECT_ROOT

LIBRARY = CypherLibrary(PROJECT_ROOT / "cypher")
EDITS = re.compile(r"\b(SET|REMOVE|DELETE|DETACH|MERGE)\b")


@pytest.mark.parametrize("name", ["audit/append_event", "audit/append_events"])
def test_only_the_append_queries_write_audit_events_and_they_only_create(name: str) -> None:
    writers = [n for n in LIBRARY.names() if "AuditEvent" in LIBRARY(n).text and LIBRARY(n).mode == "write"]
    assert writers == ["audit/append_event", "audit/append_events"]
    body = LIBRARY(name).text
    assert "CREATE (e:AuditEvent)" in body
    edits_of_e = [line for line in body.splitlines() if EDITS.search(line) and re.search(r"\be\.", line)]
    assert edits_of_e == []  # only `SET e = $event` on the node it just created, and the head moves


def test_checkpoints_are_never_overwritten() -> None:
    body = LIBRARY("audit/save_checkpoint").text
    assert "ON CREATE SET" in body and not re.search(r"^SET\b", body, re.M)
