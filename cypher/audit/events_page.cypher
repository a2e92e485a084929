// Purpose: One page of the chain in sequence order after $after, with the member keys its search index holds (for verification).
// Mode: read
// Params: $after, $limit
MATCH (e:AuditEvent)
WHERE e.seq > $after
WITH e ORDER BY e.seq
LIMIT $limit
RETURN e {.*, indexed_member_keys: [(e)-[:CONCERNS]->(m:AuditMemberKey) | m.member_key]} AS event
