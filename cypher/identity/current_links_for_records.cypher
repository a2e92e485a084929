// Purpose: The current link of each pair touching these records: active links and steward retirements.
// Mode: read
// Params: $record_ids
UNWIND $record_ids AS rid
MATCH (:SourceRecord {record_id: rid})<-[:LINKS]-(l)
WHERE l.state IN ['candidate', 'confirmed', 'disputed'] OR (l.state = 'retired' AND l.decided_by = 'steward')
WITH DISTINCT l
MATCH (l)-[:LINKS]->(r)
WITH l, collect(r.record_id) AS ids
RETURN l.link_id AS link_id, l.state AS state, l.decided_by AS decided_by, l.run_id AS run_id, ids
