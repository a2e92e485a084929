// Purpose: TEST ONLY: overwrite fields of the event at $seq (a tamperer editing in place).
// Mode: write
// Params: $seq, $fields
MATCH (e:AuditEvent {seq: $seq})
SET e += $fields
