// Purpose: Lease the oldest due bulk job of this data folder (pending, or running with an expired lease: its runner died) among the kinds the runner can run, to one runner; the job is locked first, then checked again, so two runners never both hold it.
// Mode: write
// Params: $now, $lease_until, $token, $runner, $root, $kinds
MATCH (j:BulkJob {root: $root})
WHERE j.kind IN $kinds AND j.status IN ['pending', 'running'] AND (j.lease_until IS NULL OR j.lease_until <= datetime($now))
WITH j ORDER BY j.created_at LIMIT 1
SET j.lock_probe = $runner
WITH j
WHERE j.status IN ['pending', 'running'] AND (j.lease_until IS NULL OR j.lease_until <= datetime($now))
SET j.status = 'running', j.lease_until = datetime($lease_until), j.lease_token = $token, j.runner = $runner,
    j.claims = j.claims + 1, j.started_at = coalesce(j.started_at, datetime($now))
RETURN j.job_id AS job_id, j.kind AS kind, j.claims AS claims
