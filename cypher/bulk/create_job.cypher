// Purpose: A new bulk job (match or export), pending until a runner claims it.
// Mode: write
// Params: $job
CREATE (j:BulkJob)
SET j += $job, j.created_at = datetime($job.created_at), j.status = 'pending', j.done = 0, j.claims = 0
RETURN j.job_id AS job_id
