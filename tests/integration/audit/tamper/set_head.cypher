// Purpose: TEST ONLY: make the head claim another seq and hash.
// Mode: write
// Params: $seq, $hash
MATCH (h:AuditHead {ledger: 'main'})
SET h.seq = $seq, h.hash = $hash
