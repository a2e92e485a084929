"""Pure audit rules: no I/O, no Neo4j, nothing from the project outside this package."""
