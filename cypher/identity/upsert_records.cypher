// Purpose: Add source record versions in one batch; a version already present is left untouched (records are never edited).
// Mode: write
// Params: $rows, $run_id
// A changed record is a new version: the previous one points to it (SUPERSEDED_BY) and hands
// over its open membership, so a person's member never sits on an outdated version.
UNWIND $rows AS row
MERGE (r:SourceRecord {record_key: row.record_key})
ON CREATE SET r += row.props, r.first_run = $run_id, r.created_at = datetime()
WITH r, row
OPTIONAL MATCH (previous:SourceRecord {record_id: row.record_id})
WHERE previous.record_key <> row.record_key AND NOT (previous)-[:SUPERSEDED_BY]->()
CALL (previous, r) {
  WITH previous, r WHERE previous IS NOT NULL
  MERGE (previous)-[:SUPERSEDED_BY {run_id: $run_id}]->(r)
  WITH previous, r
  MATCH (previous)-[old:IN_MEMBER]->(m:Member) WHERE old.until IS NULL
  SET old.until = datetime(), old.closed_by = 'loader', old.close_reason = 'record version superseded'
  CREATE (r)-[:IN_MEMBER {since: datetime(), actor: 'loader', reason: 'new version of the record'}]->(m)
}
RETURN count(r) AS records
