// Purpose: The ledger head: the last sequence number, its hash and time (read after taking the lock when appending).
// Mode: read
// Params: none
OPTIONAL MATCH (h:AuditHead {ledger: 'main'})
RETURN coalesce(h.seq, 0) AS seq, h.hash AS hash, coalesce(h.last_at, '') AS last_at
