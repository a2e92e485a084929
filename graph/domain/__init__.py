"""The identity graph's domain: link states, the transitions allowed between them, and the
decisions that move them. Pure Python: nothing here imports Neo4j or the rest of the project."""
