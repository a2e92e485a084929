// Purpose: Signed checkpoints with $after < seq <= $until, in order (verification reads them page by page).
// Mode: read
// Params: $after, $until
MATCH (c:AuditCheckpoint)
WHERE c.seq > $after AND c.seq <= $until
RETURN c {.seq, .hash, .at, .key_id, .signature} AS checkpoint
ORDER BY c.seq
