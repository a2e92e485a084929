// Purpose: Take the ledger head's write lock (held until commit) so appends serialise; creates the head on first use. Returns whether the head exists.
// Mode: write
// Params: $writer, $genesis
MERGE (h:AuditHead {ledger: 'main'})
ON CREATE SET h.seq = 0, h.hash = $genesis, h.last_at = ''
SET h.writer = $writer
RETURN count(h) AS locked
