// Purpose: The events with $after < seq <= $until in chain order, their hashed fields only (a proof's stretch: no member index expansion).
// Mode: read
// Params: $after, $until
MATCH (e:AuditEvent)
WHERE e.seq > $after AND e.seq <= $until
RETURN e {.*} AS event
ORDER BY e.seq
