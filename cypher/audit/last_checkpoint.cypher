// Purpose: The latest signed checkpoint, if any (to decide whether a new one is due).
// Mode: read
// Params: none
MATCH (c:AuditCheckpoint)
RETURN c {.seq, .hash, .at, .key_id, .signature} AS checkpoint
ORDER BY c.seq DESC
LIMIT 1
