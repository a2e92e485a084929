// Purpose: The per-member decisions a match job has kept so far, in request order.
// Mode: read
// Params: $job_id
MATCH (e:BulkMatchEntry {job_id: $job_id})
RETURN e {.idx, .outcome, .member_key, .decision_id} AS entry
ORDER BY e.idx
