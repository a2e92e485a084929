// Purpose: The first signed checkpoint at or after $seq (the one an event's proof chains to), if any.
// Mode: read
// Params: $seq
MATCH (c:AuditCheckpoint)
WHERE c.seq >= $seq
RETURN c {.seq, .hash, .at, .key_id, .signature} AS checkpoint
ORDER BY c.seq
LIMIT 1
