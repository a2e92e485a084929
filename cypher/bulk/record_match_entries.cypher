// Purpose: Keep the decisions of a batch of a match job's members (idempotent per member index) and its progress, only while the caller holds the lease.
// Mode: write
// Params: $job_id, $token, $entries, $done, $lease_until
MATCH (j:BulkJob {job_id: $job_id})
WHERE j.status = 'running' AND j.lease_token = $token
SET j.done = $done, j.lease_until = datetime($lease_until)
WITH j
UNWIND $entries AS entry
MERGE (e:BulkMatchEntry {job_id: $job_id, idx: entry.idx})
ON CREATE SET e += entry
RETURN count(e) AS kept
