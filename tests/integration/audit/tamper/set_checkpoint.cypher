// Purpose: TEST ONLY: overwrite fields of the checkpoint at $seq.
// Mode: write
// Params: $seq, $fields
MATCH (c:AuditCheckpoint {seq: $seq})
SET c += $fields
