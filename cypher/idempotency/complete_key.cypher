// Purpose: Store the response of the request holding the key, kept for the retention period from now (the body may hold PHI: it lives only here, never in logs).
// Mode: write
// Params: $scope, $key, $token, $status, $headers, $body, $retention_s
MATCH (k:IdempotencyKey {scope: $scope, key: $key})
WHERE k.token = $token
SET k.completed = true, k.status = $status, k.headers = $headers, k.body = $body, k.completed_at = datetime(),
    k.expires_at = datetime() + duration({seconds: $retention_s})
RETURN count(k) AS completed
