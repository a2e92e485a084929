// Purpose: Indexes for history questions: links and events of a run, runs by status, existing member keys by status.
// Mode: schema
// Params: none
CREATE INDEX link_run_id IF NOT EXISTS
FOR (l:Link) ON (l.run_id);

CREATE INDEX link_event_at IF NOT EXISTS
FOR (e:LinkEvent) ON (e.at);

CREATE INDEX match_run_status IF NOT EXISTS
FOR (r:MatchRun) ON (r.status, r.loaded_at);
