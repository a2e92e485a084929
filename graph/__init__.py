"""The identity graph: the Neo4j adapter (local server, driver, Cypher files, schema)."""
