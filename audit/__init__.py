"""The business audit ledger: append-only, hash-chained events with signed checkpoints.

``audit.domain`` is pure (event model, canonical JSON, hashing, chain verification,
evidence packets); the rest are adapters (Neo4j ledger, keys on disk) and the service
functions the CLI and, later, the API call.
"""
