// Purpose: Keys and indexes of links, their history, matching runs and record lookups.
// Mode: schema
// Params: none
CREATE CONSTRAINT link_id IF NOT EXISTS
FOR (l:Link) REQUIRE l.link_id IS UNIQUE;

CREATE INDEX link_pair_key IF NOT EXISTS
FOR (l:Link) ON (l.pair_key);

CREATE INDEX link_state IF NOT EXISTS
FOR (l:Link) ON (l.state);

CREATE CONSTRAINT match_run_id IF NOT EXISTS
FOR (r:MatchRun) REQUIRE r.run_id IS UNIQUE;

CREATE INDEX source_record_record_id IF NOT EXISTS
FOR (r:SourceRecord) ON (r.record_id);

CREATE INDEX member_status IF NOT EXISTS
FOR (m:Member) ON (m.status);
