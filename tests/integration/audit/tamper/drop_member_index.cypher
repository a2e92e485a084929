// Purpose: TEST ONLY: remove the member search index entries of the event at $seq.
// Mode: write
// Params: $seq
MATCH (:AuditEvent {seq: $seq})-[r:CONCERNS]->()
DELETE r
