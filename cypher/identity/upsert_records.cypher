// Purpose: Add source record versions in one batch; a version already present is left untouched (records are never edited).
// Mode: write
// Params: $rows, $run_id
UNWIND $rows AS row
MERGE (r:SourceRecord {record_key: row.record_key})
ON CREATE SET r += row.props, r.first_run = $run_id, r.created_at = datetime()
WITH r, row
OPTIONAL MATCH (previous:SourceRecord {record_id: row.record_id})
WHERE previous.record_key <> row.record_key AND NOT (previous)-[:SUPERSEDED_BY]->()
FOREACH (_ IN CASE WHEN previous IS NULL THEN [] ELSE [1] END |
  MERGE (previous)-[:SUPERSEDED_BY {run_id: $run_id}]->(r))
RETURN count(r) AS records
