// Purpose: Extend a bulk pull's lease, only while the caller still holds it (no row: another process took the pull over, stop).
// Mode: write
// Params: $pull_id, $token, $lease_until
MATCH (p:BulkPull {pull_id: $pull_id})
SET p.lock_probe = $token
WITH p
WHERE p.lease_token = $token
SET p.lease_until = datetime($lease_until)
RETURN p.pull_id AS pull_id
