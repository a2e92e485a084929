"""Neo4j cluster and Aura configuration: routing URIs, the database name, and which reads go
to the leader (pure: no database)."""

from __future__ import annotations

import pytest

from graph.cypher import CypherFileError, CypherLibrary, parse
from p2p.settings import PROJECT_ROOT, ConfigurationError, load_settings

LIBRARY = CypherLibrary(PROJECT_ROOT / "cypher")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NEO4J_URI", "NEO4J_USER", "NEO4J_USERNAME", "NEO4J_PASSWORD", "P2P_NEO4J_URI",
                 "P2P_NEO4J_DATABASE", "P2P_ENV"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize(
    "uri",
    ["neo4j://localhost:7687", "neo4j+s://abcd1234.databases.neo4j.io", "neo4j+ssc://core1.example:7687",
     "bolt://10.0.0.5:7687", "bolt+s://db.example"],
)  # fmt: skip
def test_routing_and_direct_uris_select_that_server(monkeypatch: pytest.MonkeyPatch, uri: str) -> None:
    monkeypatch.setenv("P2P_NEO4J_URI", uri)
    monkeypatch.setenv("P2P_NEO4J_DATABASE", "members")
    settings = load_settings()
    assert settings.bolt_uri == uri
    assert not settings.uses_local_server
    assert settings.neo4j_database == "members"


@pytest.mark.parametrize("uri", ["neo4j://", "neo4j+s:///neo4j", "bolt://?policy=x"])
def test_a_uri_without_a_host_is_refused(monkeypatch: pytest.MonkeyPatch, uri: str) -> None:
    monkeypatch.setenv("P2P_NEO4J_URI", uri)
    with pytest.raises(ConfigurationError, match=r"P2P_NEO4J_URI: .*names no host"):
        load_settings()


@pytest.mark.parametrize("name", ["ab", "1members", "members_2024", "x" * 64, "my db"])
def test_a_database_name_neo4j_would_refuse_is_refused_at_start_up(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setenv("P2P_NEO4J_DATABASE", name)
    with pytest.raises(ConfigurationError, match="P2P_NEO4J_DATABASE"):
        load_settings()


def test_the_system_database_is_refused_as_the_data_database(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("P2P_NEO4J_DATABASE", "System")
    with pytest.raises(ConfigurationError, match="'system' holds Neo4j's users"):
        load_settings()


def test_the_database_defaults_to_neo4j_which_aura_uses() -> None:
    assert load_settings().neo4j_database == "neo4j"


def test_a_read_may_ask_for_the_leader_and_nothing_else_may() -> None:
    header = "// Purpose: x\n// Mode: {mode}\n// Params: none\n// Routing: {routing}\nRETURN 1"
    assert parse("q", header.format(mode="read", routing="leader")).leader
    assert not parse("q", "// Purpose: x\n// Mode: read\n// Params: none\nRETURN 1").leader
    with pytest.raises(CypherFileError, match="Routing may only be 'leader', on a read query"):
        parse("q", header.format(mode="write", routing="leader"))
    with pytest.raises(CypherFileError, match="Routing may only be"):
        parse("q", header.format(mode="read", routing="secondary"))


def test_reads_that_let_data_leave_and_only_they_go_to_the_leader() -> None:
    """A reader may lag the leader: a steward's dispute, a withdrawn match or a suspension
    committed by another process must be seen before a transfer is routed or data released;
    other reads stay on the readers."""
    leader = {name for name in LIBRARY.names() if not name.startswith("schema/") and LIBRARY(name).leader}
    assert leader == {"identity/routing_decision", "member_data/release_scope", "bulk/export_scope",
                      "security/partner_status"}  # fmt: skip
