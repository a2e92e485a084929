"""Every .cypher file declares exactly the parameters it uses, and every file is used."""

import re
from pathlib import Path

import pytest

from graph.cypher import CypherLibrary, parse, split_statements, used_parameters
from graph.errors import CypherFileError
from graph.schema import SCHEMA_DIR, net_schema
from p2p.settings import PROJECT_ROOT

LIBRARY = CypherLibrary(PROJECT_ROOT / "cypher")
CODE_DIRS = ("p2p", "graph", "matching", "api", "services", "synthetic", "exchange", "audit", "security")
ALL_NAMES = LIBRARY.names()


def python_sources() -> str:
    return "\n".join(
        path.read_text() for d in CODE_DIRS if (PROJECT_ROOT / d).is_dir() for path in (PROJECT_ROOT / d).rglob("*.py")
    )


def test_there_are_cypher_files() -> None:
    assert "admin/applied_migrations" in ALL_NAMES
    assert any(name.startswith(f"{SCHEMA_DIR}/") for name in ALL_NAMES)


@pytest.mark.parametrize("name", ALL_NAMES)
def test_declared_parameters_match_the_parameters_used(name: str) -> None:
    query = LIBRARY(name)
    assert query.declared_params == query.used_params, f"{name}: header Params differs from the $params in the body"


@pytest.mark.parametrize("name", ALL_NAMES)
def test_every_file_is_used_by_the_code(name: str) -> None:
    if name.startswith(f"{SCHEMA_DIR}/") or name.startswith("steward/"):
        return  # schema files are applied by folder; steward files are run by people (and by their own test)
    assert re.search(rf"[\"']{re.escape(name)}[\"']", python_sources()), f"{name}.cypher is not used anywhere"


@pytest.mark.parametrize("name", [n for n in ALL_NAMES if n.startswith(f"{SCHEMA_DIR}/")])
def test_schema_statements_are_named_and_idempotent(name: str) -> None:
    for statement in LIBRARY(name).statements():
        if statement.startswith("DROP"):
            assert re.fullmatch(r"DROP\s+INDEX\s+\w+\s+IF\s+EXISTS", statement), f"{name}: {statement[:60]}…"
            continue
        assert "IF NOT EXISTS" in statement, f"{name}: {statement[:60]}…"
        assert re.match(r"CREATE\s+(CONSTRAINT|INDEX)\s+\w+\s+IF\s+NOT\s+EXISTS\s+FOR\s+\(\w+:\w+\)", statement)


def test_every_dropped_index_was_created_by_an_earlier_file_and_is_not_created_again() -> None:
    statements = [s for n in ALL_NAMES if n.startswith(f"{SCHEMA_DIR}/") for s in LIBRARY(n).statements()]
    created = [s.split()[2] for s in statements if s.startswith("CREATE")]
    for at, statement in enumerate(statements):
        if statement.startswith("DROP"):
            name = statement.split()[2]
            before = [s for s in statements[:at] if s.startswith("CREATE")]
            assert any(s.split()[2] == name for s in before), f"{name} is dropped before it is created"
            assert all(s.split()[2] != name for s in statements[at + 1 :]), f"{name} is created again after its drop"
    assert len(created) == len(set(created)), "two CREATE statements share a name"


def test_the_net_schema_leaves_out_what_a_later_drop_cancels() -> None:
    statements = [
        "CREATE INDEX a IF NOT EXISTS FOR (n:X) ON (n.a)",
        "CREATE CONSTRAINT b IF NOT EXISTS FOR (n:X) REQUIRE n.b IS UNIQUE",
        "DROP INDEX a IF EXISTS",
        "CREATE INDEX c IF NOT EXISTS FOR (n:Y) ON (n.c)",
    ]
    assert net_schema(statements) == [statements[1], statements[3]]
    assert net_schema([*statements, "DROP INDEX gone IF EXISTS"]) == [statements[1], statements[3]]


def test_schema_files_are_numbered_in_order() -> None:
    numbers = [int(Path(n).name.split("_", 1)[0]) for n in ALL_NAMES if n.startswith(f"{SCHEMA_DIR}/")]
    assert numbers == sorted(set(numbers))


def test_parameters_inside_strings_and_comments_do_not_count() -> None:
    text = "MATCH (n {a: $real}) // $commented\nRETURN '$quoted' AS x, \"$double\" AS y /* $block */"
    assert used_parameters(text) == {"real"}


def test_semicolons_in_strings_do_not_split_statements() -> None:
    parts = [p.strip() for p in split_statements("RETURN 'a;b' AS x;\nRETURN 2") if p.strip()]
    assert parts == ["RETURN 'a;b' AS x", "RETURN 2"]


def test_header_must_be_complete() -> None:
    with pytest.raises(CypherFileError, match="lacks mode"):
        parse("bad", "// Purpose: x\n// Params: none\nRETURN 1")
    with pytest.raises(CypherFileError, match="Mode must be"):
        parse("bad", "// Purpose: x\n// Mode: delete\n// Params: none\nRETURN 1")
    with pytest.raises(CypherFileError, match="no query"):
        parse("bad", "// Purpose: x\n// Mode: read\n// Params: none\n")


def test_params_header_lists_names_with_or_without_dollar() -> None:
    query = parse("q", "// Purpose: x\n// Mode: read\n// Params: $a, b\nRETURN $a, $b")
    assert query.declared_params == {"a", "b"}


def test_unknown_or_escaping_names_are_refused() -> None:
    with pytest.raises(CypherFileError):
        LIBRARY("admin/does_not_exist")
    with pytest.raises(CypherFileError):
        LIBRARY("../pyproject")
