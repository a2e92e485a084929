// Purpose: Re-claim a key whose holder crashed (lock expired) or whose retention ended, only if nobody else took it since it was read (compare-and-set on the claim token).
// Mode: write
// Params: $scope, $key, $seen_token, $fingerprint, $token, $lock_s, $retention_s
MATCH (k:IdempotencyKey {scope: $scope, key: $key})
WHERE k.token = $seen_token
SET k.fingerprint = $fingerprint, k.token = $token, k.completed = false, k.created_at = datetime(),
    k.locked_until = datetime() + duration({seconds: $lock_s}),
    k.expires_at = datetime() + duration({seconds: $retention_s})
REMOVE k.status, k.headers, k.body
RETURN count(k) AS taken
