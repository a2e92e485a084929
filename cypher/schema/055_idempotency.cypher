// Purpose: Idempotency keys: one record per (client scope, key), which makes claiming a key race-free, and the expiry index the purge walks.
// Mode: schema
// Params: none
CREATE CONSTRAINT idempotency_key_scoped_unique IF NOT EXISTS
FOR (k:IdempotencyKey) REQUIRE (k.scope, k.key) IS UNIQUE;

CREATE INDEX idempotency_key_expires_at IF NOT EXISTS
FOR (k:IdempotencyKey) ON (k.expires_at);
