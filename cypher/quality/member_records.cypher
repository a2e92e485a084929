// Purpose: The current records of these active members (a record version superseded by a newer one is left out).
// Mode: read
// Params: $member_keys
UNWIND $member_keys AS key
MATCH (m:Member {member_key: key})<-[x:IN_MEMBER]-(r:SourceRecord)
WHERE m.status = 'active' AND x.until IS NULL AND NOT (r)-[:SUPERSEDED_BY]->()
RETURN key AS member_key, r.record_id AS record_id
