// Purpose: A link's current state and the members its two records belong to, before a steward acts on it.
// Mode: read
// Params: $link_id
MATCH (l:Link {link_id: $link_id})-[:LINKS]->(r:SourceRecord)
OPTIONAL MATCH (r)-[x:IN_MEMBER]->(m:Member) WHERE x.until IS NULL
RETURN l.link_id AS link_id, l.state AS state, l.decided_by AS decided_by,
       collect(r.record_id) AS record_ids, collect(DISTINCT m.member_key) AS member_keys
