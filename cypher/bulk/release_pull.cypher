// Purpose: Give a bulk pull's lease back when its run ends (completed, failed or interrupted), only while the caller still holds it, so the next run need not wait for it to expire.
// Mode: write
// Params: $pull_id, $token, $at
MATCH (p:BulkPull {pull_id: $pull_id})
SET p.lock_probe = $token
WITH p
WHERE p.lease_token = $token
SET p.lease_holder = null, p.lease_token = null, p.lease_until = null, p.released_at = datetime($at)
RETURN p.pull_id AS pull_id
