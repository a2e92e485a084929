// Purpose: Cancel a partner's job that is not already cancelled (a running one stops at its next lease renewal); returns what it was.
// Mode: write
// Params: $job_id, $partner_id, $at
MATCH (j:BulkJob {job_id: $job_id, owner_partner_id: $partner_id})
WHERE j.status <> 'cancelled'
WITH j, j.status AS was
SET j.status = 'cancelled', j.cancelled_at = datetime($at), j.lease_until = null, j.lease_token = null
RETURN was, j.kind AS kind
