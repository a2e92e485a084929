// Purpose: TEST ONLY: bring parked events back, shifted by $by (second half of a renumbering).
// Mode: write
// Params: $by
MATCH (e:AuditEvent) WHERE e.seq >= 1000000
SET e.seq = e.seq - 1000000 + $by
