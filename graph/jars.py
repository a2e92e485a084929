"""Neo4j Community jars, fetched from Maven Central by the small Maven project in infra/neo4j."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from graph.errors import Neo4jServerError

POM_DIR_NAME = "neo4j"


def jars_present(lib: Path) -> bool:
    return lib.is_dir() and any(lib.glob("neo4j-5*.jar"))


def fetch_jars(lib: Path) -> None:
    """Run ``mvn package`` in the Maven project that owns ``lib`` (``<pom>/target/lib``)."""
    pom_dir = lib.parent.parent
    if not (pom_dir / "pom.xml").is_file():
        raise Neo4jServerError(f"no Neo4j jars in {lib} and no pom.xml in {pom_dir} to fetch them with")
    mvn = shutil.which("mvn")
    if mvn is None:
        raise Neo4jServerError("Maven (mvn) is not installed; it is needed once to fetch the Neo4j jars")
    result = subprocess.run([mvn, "-B", "-q", "package"], cwd=pom_dir, capture_output=True, text=True, check=False)
    if result.returncode != 0 or not jars_present(lib):
        tail = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
        raise Neo4jServerError(
            "could not fetch the Neo4j jars from Maven Central (is it reachable? a proxy in ~/.m2/settings.xml?)."
            f" Maven said:\n{tail}"
        )
