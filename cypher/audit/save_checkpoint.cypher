// Purpose: Store a signed checkpoint of the head; a second checkpoint of the same seq keeps the first.
// Mode: write
// Params: $checkpoint
MERGE (c:AuditCheckpoint {seq: $checkpoint.seq})
ON CREATE SET c += $checkpoint
RETURN c {.seq, .hash, .at, .key_id, .signature} AS checkpoint
