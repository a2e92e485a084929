// Purpose: TEST ONLY: move the events from $from on out of the way (first half of a renumbering).
// Mode: write
// Params: $from
MATCH (e:AuditEvent) WHERE e.seq >= $from
SET e.seq = e.seq + 1000000
