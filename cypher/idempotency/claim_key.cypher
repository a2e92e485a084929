// Purpose: Claim an idempotency key for one request: creates the in-flight record unless the (scope, key) exists; returns the record either way, with the database's clock.
// Mode: write
// Params: $scope, $key, $fingerprint, $token, $lock_s, $retention_s
MERGE (k:IdempotencyKey {scope: $scope, key: $key})
  ON CREATE SET k.fingerprint = $fingerprint, k.token = $token, k.completed = false,
                k.created_at = datetime(),
                k.locked_until = datetime() + duration({seconds: $lock_s}),
                k.expires_at = datetime() + duration({seconds: $retention_s})
RETURN k.token = $token AS claimed, k.token AS token, k.fingerprint AS fingerprint, k.completed AS completed,
       k.locked_until AS locked_until, k.expires_at AS expires_at, datetime() AS now,
       k.status AS status, k.headers AS headers, k.body AS body
