// Purpose: Delete up to $batch_size idempotency records past their retention (stored responses with them).
// Mode: write
// Params: $batch_size
MATCH (k:IdempotencyKey)
WHERE k.expires_at < datetime()
WITH k LIMIT $batch_size
DELETE k
RETURN count(*) AS deleted
