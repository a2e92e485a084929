// Purpose: The member each of these records currently belongs to (records without one are absent).
// Mode: read
// Params: $record_ids
UNWIND $record_ids AS rid
MATCH (r:SourceRecord {record_id: rid})-[m:IN_MEMBER]->(mem:Member)
WHERE m.until IS NULL
RETURN rid AS record_id, mem.member_key AS member_key
