// Purpose: Record the start of loading a matching run (idempotent).
// Mode: write
// Params: $run_id, $model_version, $records, $pairs
MERGE (r:MatchRun {run_id: $run_id})
ON CREATE SET r.model_version = $model_version, r.records = $records, r.pairs = $pairs,
              r.started_at = datetime(), r.status = 'loading'
RETURN r.status AS status
