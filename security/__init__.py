"""Partner security: SMART Backend Services tokens, the partner registry, scopes, roles and limits.

``domain/`` holds the pure rules (lifecycle table, assertion claims, scopes, token bucket);
the other modules are adapters (Neo4j registry and jti store, JWKS fetching, JWT signing)
and the use cases that combine them (``token_service``, ``partners``).
"""
