// Purpose: Record a bulk pull's progress (its stage and what the step that reached it learned: a status URL, the matched Group, the manifest, the files downloaded, a restarted step), only while the caller holds the pull's lease (no row: taken over, roll back).
// Mode: write
// Params: $pull_id, $token, $changes
// Locked first, then checked: a holder whose lease was taken over can never record over its successor.
MATCH (p:BulkPull {pull_id: $pull_id})
SET p.lock_probe = $token
WITH p
WHERE p.lease_token = $token
SET p += $changes, p.updated_at = datetime()
RETURN p.pull_id AS pull_id
