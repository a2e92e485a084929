// Purpose: All current records of the members these records belong to (a recluster must see whole members).
// Mode: read
// Params: $record_ids
UNWIND $record_ids AS rid
MATCH (:SourceRecord {record_id: rid})-[x:IN_MEMBER]->(m:Member) WHERE x.until IS NULL
WITH DISTINCT m
MATCH (r:SourceRecord)-[y:IN_MEMBER]->(m) WHERE y.until IS NULL
RETURN DISTINCT r.record_id AS record_id
