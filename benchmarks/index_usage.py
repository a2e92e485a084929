"""Which schema index each Cypher file's plan reads, and which indexes no plan reads.

Every index costs every write of its label (a load writes a million records into 13 record
indexes); one that no query reads is pure cost. This EXPLAINs every file under cypher/
(schema files aside) against a database holding a realistic graph — the planner picks by
the data's statistics, so run it on a loaded graph, not an empty one — and maps the index
seeks and scans of each plan to the index they use.

Usage: python benchmarks/index_usage.py        (the server the settings name: P2P_NEO4J_*)
Prints one line per index: its name, label and properties, then the files reading it; the
indexes no file reads are listed last (constraints' own indexes are kept whatever this says:
they hold a rule). Nothing is written.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from graph.schema import SCHEMA_DIR, schema_objects
from graph.store import GraphStore
from p2p.bootstrap import graph_store
from p2p.settings import load_settings

_INDEXED = re.compile(r"\w+:(\w+)\(([^)]*)\)")  # r:SourceRecord(dob, zip5) in an index operator's details


def operators(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("children", []):
        yield from operators(child)


def indexes_read(store: GraphStore, name: str) -> set[tuple[str, tuple[str, ...]]]:
    """(label, properties) of every index seek or scan in the file's plan."""
    text = store.queries(name).text
    summary = store.driver.execute_query("EXPLAIN " + text, database_=store.database).summary
    found = set()
    for op in operators(summary.plan or {}):
        if "Index" not in op["operatorType"]:
            continue
        details = str(op["args"].get("Details", ""))
        for label, props in _INDEXED.findall(details):
            found.add((label, tuple(p.strip() for p in props.split(","))))
    return found


def main() -> None:
    with graph_store(load_settings()) as store:
        readers: dict[tuple[str, tuple[str, ...]], list[str]] = {}
        failed = []
        for name in store.queries.names():
            if name.startswith(f"{SCHEMA_DIR}/"):
                continue
            try:
                for key in indexes_read(store, name):
                    readers.setdefault(key, []).append(name)
            except Exception as error:  # a file the planner refuses without values: say so, go on
                failed.append(f"{name}: {type(error).__name__}: {str(error).splitlines()[0][:120]}")
        unused = []
        for index in sorted(schema_objects(store), key=lambda i: str(i["name"])):
            labels, props = index.get("labelsOrTypes") or [], tuple(index.get("properties") or [])
            if not labels:
                continue  # token lookup indexes: label scans use them
            users = readers.get((labels[0], props), [])
            owned = " (constraint)" if index.get("backs_constraint") else ""
            print(f"{index['name']}{owned}: {labels[0]}({', '.join(props)}) <- {', '.join(sorted(users)) or '-'}")
            if not users and not owned:
                unused.append(str(index["name"]))
        print(f"\nindexes no plan reads: {', '.join(unused) or 'none'}")
        for line in failed:
            print(f"not explained: {line}")


if __name__ == "__main__":
    main()
