// Purpose: May this member's data be routed now? The member (redirects followed), its record count and the links that hold it.
// Mode: read
// Params: $member_key
// Routing: leader
OPTIONAL MATCH (start:Member {member_key: $member_key})
OPTIONAL MATCH (start)-[:REDIRECTS_TO*1..10]->(successor:Member {status: 'active'})
WITH start, coalesce(successor, start) AS m
OPTIONAL MATCH (r:SourceRecord)-[x:IN_MEMBER]->(m) WHERE x.until IS NULL
OPTIONAL MATCH (r)<-[:LINKS]-(l:Link) WHERE l.state IN ['candidate', 'disputed']
RETURN start IS NOT NULL AS known, m.member_key AS member_key, m.status AS status,
       count(DISTINCT r) AS records,
       [x IN collect(DISTINCT CASE WHEN l IS NULL THEN null ELSE {link_id: l.link_id, state: l.state, reason: l.reason} END)
        WHERE x IS NOT NULL] AS open_links
