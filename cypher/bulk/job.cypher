// Purpose: One bulk job with its status, progress and results (the caller checks the owner).
// Mode: read
// Params: $job_id
MATCH (j:BulkJob {job_id: $job_id})
RETURN j {.*, created_at: toString(j.created_at), lease_until: toString(j.lease_until),
          finished_at: toString(j.finished_at)} AS job
