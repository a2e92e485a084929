"""``p2p steward query NAME --param key=value``: run one of the saved steward queries.

The saved queries are the read-only files in ``cypher/steward/`` (what each answers and its
parameters: ``cypher/steward/README.md``). For a machine without cypher-shell or Neo4j
Browser, this runs them against the configured database and prints the rows as JSON.
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Any

import typer
from neo4j.exceptions import ClientError

from graph.cypher import CypherLibrary
from p2p.bootstrap import graph_store
from p2p.cli.common import UserError, console, friendly_errors, settings

FOLDER = "steward"
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_INT = re.compile(r"[+-]?\d+")
_FLOAT = re.compile(r"[+-]?(\d+\.\d*|\.\d+)([eE][+-]?\d+)?")
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def saved_queries(library: CypherLibrary) -> dict[str, frozenset[str]]:
    """Each read-only steward query's short name and the parameters it takes."""
    found = {}
    for name in library.names(FOLDER):
        query = library(name)
        if query.mode == "read":
            found[name.removeprefix(f"{FOLDER}/")] = query.declared_params
    return found


def parse_param(text: str) -> tuple[str, Any]:
    """``name=value``: whole numbers and decimals go in as numbers, ``true``/``false`` as
    booleans, anything else as text (quotes around it are removed, as in cypher-shell)."""
    name, sep, raw = text.partition("=")
    name, raw = name.strip(), raw.strip()
    if not sep or not _NAME.fullmatch(name):
        raise ValueError(f"a parameter is name=value (e.g. limit=10 or member_key='M-…'), not {text!r}")
    if _INT.fullmatch(raw):
        if not INT64_MIN <= int(raw) <= INT64_MAX:
            raise ValueError(f"{name}: a whole number is at most 19 digits (Neo4j's integers are 64-bit)")
        return name, int(raw)
    if _FLOAT.fullmatch(raw):
        return name, float(raw)
    if raw in ("true", "false"):
        return name, raw == "true"
    if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"":
        raw = raw[1:-1]
    return name, raw


def check_params(name: str, wanted: frozenset[str], given: dict[str, Any]) -> None:
    missing, extra = sorted(wanted - given.keys()), sorted(given.keys() - wanted)
    if missing or extra:
        takes = ", ".join(sorted(wanted)) or "no parameters"
        parts = [f"missing {', '.join(missing)}" if missing else "", f"unknown {', '.join(extra)}" if extra else ""]
        raise UserError(f"{name} takes {takes}: {'; '.join(p for p in parts if p)}")


@friendly_errors
def query(
    name: Annotated[str, typer.Argument(help="A saved query, e.g. held_transfers (see cypher/steward/README.md).")],
    param: Annotated[
        list[str] | None, typer.Option("--param", "-p", help="name=value, once per parameter (limit=10).")
    ] = None,
) -> None:
    """Run a saved steward query (cypher/steward/NAME.cypher) and print its rows as JSON."""
    cfg = settings()
    saved = saved_queries(CypherLibrary(cfg.cypher_dir))
    if name.removesuffix(".cypher") not in saved:
        raise UserError(f"no saved steward query {name!r}; there are: {', '.join(sorted(saved))}")
    name = name.removesuffix(".cypher")
    try:
        pairs = [parse_param(p) for p in param or []]
    except ValueError as exc:
        raise UserError(str(exc)) from None
    given = dict(pairs)
    twice = sorted({n for n, _ in pairs if [m for m, _ in pairs].count(n) > 1})
    if twice:
        raise UserError(f"{name}: {', '.join(twice)} given more than once; give each parameter once")
    check_params(name, saved[name], given)
    with graph_store(cfg) as store:
        try:
            rows = store.read(f"{FOLDER}/{name}", given)
        except ClientError as exc:  # a value of the wrong type or out of range: the steward's own input
            if not (exc.code or "").startswith("Neo.ClientError.Statement."):
                raise
            why = (exc.message or exc.code or "").split(" (line ")[0]  # not the query text it points into
            raise UserError(f"{name}: Neo4j refused the parameters: {why}") from None
    console.print_json(json.dumps(rows, default=str))
    console.print(f"{len(rows)} row{'s' if len(rows) != 1 else ''}", style="dim")
