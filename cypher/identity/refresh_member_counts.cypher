// Purpose: Keep each touched member's current record count on the member (the steward queue ranks by it without counting).
// Mode: write
// Params: $member_keys
UNWIND $member_keys AS key
MATCH (m:Member {member_key: key})
SET m.record_count = COUNT { (:SourceRecord)-[x:IN_MEMBER]->(m) WHERE x.until IS NULL }
RETURN count(m) AS refreshed
