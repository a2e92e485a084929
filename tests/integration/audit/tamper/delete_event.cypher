// Purpose: TEST ONLY: delete the event at $seq.
// Mode: write
// Params: $seq
MATCH (e:AuditEvent {seq: $seq})
DETACH DELETE e
