// Purpose: Record a running job's progress and extend its lease, only while the caller holds the lease (no row: lost or cancelled, stop).
// Mode: write
// Params: $job_id, $token, $done, $total, $lease_until
MATCH (j:BulkJob {job_id: $job_id})
WHERE j.status = 'running' AND j.lease_token = $token
SET j.done = $done, j.total = $total, j.lease_until = datetime($lease_until)
RETURN j.job_id AS job_id
