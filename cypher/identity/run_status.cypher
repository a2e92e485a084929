// Purpose: Whether a matching run was already loaded (and how far).
// Mode: read
// Params: $run_id
OPTIONAL MATCH (r:MatchRun {run_id: $run_id})
RETURN r.status AS status, r.model_version AS model_version, r.loaded_at AS loaded_at
