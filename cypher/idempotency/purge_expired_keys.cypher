// Purpose: Delete up to $limit idempotency records past their retention (stored responses with them).
// Mode: write
// Params: $limit
MATCH (k:IdempotencyKey)
WHERE k.expires_at < datetime()
WITH k LIMIT $limit
DELETE k
RETURN count(*) AS purged
