// Purpose: Mark a matching run as fully loaded, with what it changed.
// Mode: write
// Params: $run_id, $links_created, $transitions, $members
MATCH (r:MatchRun {run_id: $run_id})
SET r.status = 'complete', r.loaded_at = datetime(), r.links_created = $links_created,
    r.transitions = $transitions, r.members = $members
RETURN r.status AS status
