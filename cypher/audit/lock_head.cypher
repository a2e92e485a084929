// Purpose: Take the ledger head's write lock (held until commit, so appends serialise), creating the head on first use, then read it: the seq, hash and time the next event follows.
// Mode: write
// Params: $writer, $genesis
MERGE (h:AuditHead {ledger: 'main'})
ON CREATE SET h.seq = 0, h.hash = $genesis, h.last_at = ''
SET h.writer = $writer
WITH h
RETURN h.seq AS seq, h.hash AS hash, h.last_at AS last_at
