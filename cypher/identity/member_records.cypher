// Purpose: The current records of members (redirects followed), for reclustering after a steward action.
// Mode: read
// Params: $member_keys
UNWIND $member_keys AS key
MATCH (start:Member {member_key: key})
OPTIONAL MATCH (start)-[:REDIRECTS_TO*1..10]->(successor:Member {status: 'active'})
WITH coalesce(successor, start) AS m
MATCH (r:SourceRecord)-[x:IN_MEMBER]->(m) WHERE x.until IS NULL
RETURN m.member_key AS member_key, collect(r.record_id) AS record_ids
