"""The one loader of Cypher: every query is a ``.cypher`` file under ``cypher/``, loaded by name.

Each file starts with a header of ``//`` comment lines::

    // Purpose: what the query answers or changes
    // Mode: read | write | schema
    // Params: $member_key, $limit        (or: none)
    // Routing: leader                     (optional, read queries only)

A read query goes to a reader of a Neo4j cluster (a secondary, or any member), which has seen
at least this process's own writes (the store's bookmarks). ``Routing: leader`` sends it to the
leader instead, which has every committed write, another process's too: for reads whose
answer lets data leave (routing a transfer, releasing a member's history, a partner's status).

The body follows. ``Params`` must list exactly the ``$parameters`` the body uses; a unit
test holds every file to that, and to being used somewhere in the code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from graph.errors import CypherFileError

Mode = Literal["read", "write", "schema"]
PARAM_RE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_STRING_OR_COMMENT_RE = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|//[^\n]*|/\*.*?\*/", re.S)


@dataclass(frozen=True)
class CypherQuery:
    name: str
    purpose: str
    mode: Mode
    declared_params: frozenset[str]
    text: str
    leader: bool = False  # ``Routing: leader``: read from the cluster leader (sees every committed write)

    @property
    def used_params(self) -> frozenset[str]:
        return used_parameters(self.text)

    def statements(self) -> list[str]:
        """The body split on ``;`` (schema files hold several statements)."""
        return [part.strip() for part in split_statements(self.text) if part.strip()]


def used_parameters(text: str) -> frozenset[str]:
    return frozenset(PARAM_RE.findall(_STRING_OR_COMMENT_RE.sub(" ", text)))


def split_statements(text: str) -> list[str]:
    parts, start = [], 0
    masked = _STRING_OR_COMMENT_RE.sub(lambda m: " " * len(m.group(0)), text)
    for index, char in enumerate(masked):
        if char == ";":
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return parts


def parse(name: str, source: str) -> CypherQuery:
    header: dict[str, str] = {}
    body_lines: list[str] = []
    in_header = True
    for line in source.splitlines():
        stripped = line.strip()
        if in_header and stripped.startswith("//"):
            key, sep, value = stripped[2:].partition(":")
            if sep and key.strip().lower() in {"purpose", "mode", "params", "routing"}:
                header[key.strip().lower()] = value.strip()
            continue
        if in_header and not stripped:
            continue
        in_header = False
        body_lines.append(line)
    missing = {"purpose", "mode", "params"} - header.keys()
    if missing:
        raise CypherFileError(f"{name}.cypher: header lacks {', '.join(sorted(missing))}")
    mode = header["mode"]
    if mode not in ("read", "write", "schema"):
        raise CypherFileError(f"{name}.cypher: Mode must be read, write or schema, not {mode!r}")
    routing = header.get("routing", "any")
    if routing not in ("any", "leader") or (routing == "leader" and mode != "read"):
        raise CypherFileError(f"{name}.cypher: Routing may only be 'leader', on a read query (got {routing!r})")
    declared = header["params"]
    params = (
        frozenset()
        if declared.lower() == "none"
        else frozenset(p.strip().lstrip("$") for p in declared.split(",") if p.strip())
    )
    text = "\n".join(body_lines).strip()
    if not text:
        raise CypherFileError(f"{name}.cypher: no query after the header")
    return CypherQuery(
        name=name, purpose=header["purpose"], mode=mode, declared_params=params, text=text,  # type: ignore[arg-type]
        leader=routing == "leader",
    )  # fmt: skip


class CypherLibrary:
    """Loads ``<root>/<name>.cypher`` once and keeps it."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def __call__(self, name: str) -> CypherQuery:
        return _load(self.root, name)

    def names(self, under: str = "") -> list[str]:
        base = self.root / under if under else self.root
        return sorted(str(p.relative_to(self.root).with_suffix("")) for p in base.rglob("*.cypher"))


@cache
def _load(root: Path, name: str) -> CypherQuery:
    path = root / f"{name}.cypher"
    if ".." in Path(name).parts or not path.is_file():
        raise CypherFileError(f"no Cypher file {name!r} under {root}")
    return parse(name, path.read_text(encoding="utf-8"))
