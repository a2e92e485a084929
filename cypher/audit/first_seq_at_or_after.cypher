// Purpose: The first sequence number dated at or after $at (event times never go back along the chain, so a date range is a seq range); null when none.
// Mode: read
// Params: $at
OPTIONAL MATCH (e:AuditEvent)
WHERE e.occurred_at >= $at
WITH e ORDER BY e.occurred_at, e.seq
LIMIT 1
RETURN e.seq AS seq
