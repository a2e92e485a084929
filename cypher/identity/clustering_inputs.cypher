// Purpose: Everything clustering needs for these records: confirmed and disputed links (a dispute holds the member together until a steward retires the link) and must-not-link pairs, each seen from both ends.
// Mode: read
// A steward's confirmation of a pair overrides the model's must-not-link rule for that pair.
// Links are reached only by expanding from the record (no label on l), so a stale index sample
// right after a bulk load cannot lead the planner to scan every link per record.
// Params: $record_ids
UNWIND $record_ids AS rid
MATCH (a:SourceRecord {record_id: rid})
CALL (a) {
  MATCH (a)<-[:LINKS]-(l)-[:LINKS]->(b)
  WHERE l.state IN ['confirmed', 'disputed']
  RETURN 'link' AS kind, b.record_id AS other, l.match_weight AS weight
  UNION ALL
  MATCH (a)<-[:LINKS]-(l)-[:LINKS]->(b)
  WHERE l.state = 'retired' AND l.decided_by = 'steward'
  RETURN 'never' AS kind, b.record_id AS other, null AS weight
  UNION ALL
  MATCH (a)-[:MUST_NOT_LINK]-(b)
  WHERE NOT EXISTS { (a)<-[:LINKS]-(s:Link {state: 'confirmed', decided_by: 'steward'})-[:LINKS]->(b) }
  RETURN 'never' AS kind, b.record_id AS other, null AS weight
}
RETURN rid AS record_id, kind, other, weight
