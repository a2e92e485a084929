// Purpose: A link, its two records and every state change it went through, oldest first.
// Mode: read
// Params: $link_id
MATCH (l:Link {link_id: $link_id})
OPTIONAL MATCH (l)-[:HAS_EVENT]->(e:LinkEvent)
WITH l, e ORDER BY e.seq
WITH l, collect(e {.seq, .from_state, .to_state, .at, .actor, .reason, .evidence}) AS events
MATCH (l)-[s:LINKS]->(r:SourceRecord)
RETURN l {.*} AS link, collect(r.record_id) AS record_ids, events
