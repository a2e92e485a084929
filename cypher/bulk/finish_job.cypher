// Purpose: Close a running job as completed or failed with its results, only while the caller holds the lease.
// Mode: write
// Params: $job_id, $token, $status, $changes, $at
MATCH (j:BulkJob {job_id: $job_id})
WHERE j.status = 'running' AND j.lease_token = $token
SET j += $changes, j.status = $status, j.finished_at = datetime($at), j.lease_until = null, j.lease_token = null
RETURN j.job_id AS job_id
