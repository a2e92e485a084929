// Purpose: Release a key whose request failed (5xx, 408, 429, or an exception) so that a retry runs, only if this request still holds it.
// Mode: write
// Params: $scope, $key, $token
MATCH (k:IdempotencyKey {scope: $scope, key: $key})
WHERE k.token = $token
DELETE k
RETURN count(*) AS released
