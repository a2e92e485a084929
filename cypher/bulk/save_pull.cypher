// Purpose: Record a bulk pull's progress (its stage and what the step that reached it learned: a status URL, the matched Group, the manifest, the files downloaded).
// Mode: write
// Params: $pull_id, $changes
MATCH (p:BulkPull {pull_id: $pull_id})
SET p += $changes, p.updated_at = datetime()
RETURN p.pull_id AS pull_id
