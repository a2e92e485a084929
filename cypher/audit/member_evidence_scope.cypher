// Purpose: What an evidence packet for a member covers: its key and every retired key that redirects into it, and the links of every record that was ever in one of them.
// Mode: read
// Params: $member_key
MATCH (m:Member {member_key: $member_key})
OPTIONAL MATCH (old:Member)-[:REDIRECTS_TO*1..20]->(m)
WITH m, [m.member_key] + collect(DISTINCT old.member_key) AS keys
MATCH (x:Member) WHERE x.member_key IN keys
OPTIONAL MATCH (x)<-[:IN_MEMBER]-(:SourceRecord)<-[:LINKS]-(l:Link)
WITH keys, collect(DISTINCT l.link_id) AS link_ids
RETURN keys AS member_keys, [id IN link_ids WHERE id IS NOT NULL] AS link_ids
