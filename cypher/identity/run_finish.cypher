// Purpose: Mark a matching run as fully loaded, with what it changed, unless a concurrent load of the same run already did; says whether this call completed it.
// Mode: write
// Params: $run_id, $links_created, $transitions, $members
// The run is locked first (the SET), then its status read: a second load of the same run waits
// for the first to commit and then sees 'complete', so only one load is recorded as the one.
MATCH (r:MatchRun {run_id: $run_id})
SET r.finish_probe = $run_id
WITH r, r.status <> 'complete' AS now
REMOVE r.finish_probe
FOREACH (_ IN CASE WHEN now THEN [1] ELSE [] END |
  SET r.status = 'complete', r.loaded_at = datetime(), r.links_created = $links_created,
      r.transitions = $transitions, r.members = $members)
RETURN now AS completed
