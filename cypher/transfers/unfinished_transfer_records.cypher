// Purpose: Transfers not yet finished (any state but completed, rejected, superseded, cancelled), each with the current records of the member it is routed for: what a change of links could hold or redirect.
// Mode: read
// Params: $limit
MATCH (t:Transfer)
WHERE NOT t.state IN ['completed', 'rejected', 'superseded', 'cancelled']
WITH t LIMIT $limit
MATCH (m:Member {member_key: coalesce(t.routed_member_key, t.member_key)})
RETURN t.transfer_id AS transfer_id,
       COLLECT { MATCH (r:SourceRecord)-[x:IN_MEMBER]->(m) WHERE x.until IS NULL RETURN r.record_id } AS record_ids
