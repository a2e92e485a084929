// Purpose: Forget a batch of jti values whose assertions have expired (they can no longer be replayed).
// Mode: write
// Params: $batch_size
MATCH (j:AssertionJti)
WHERE j.exp < datetime()
WITH j LIMIT $batch_size
DELETE j
RETURN count(*) AS deleted
