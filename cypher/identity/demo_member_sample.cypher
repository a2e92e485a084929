// Purpose: One active member with records in two payers or more, to show a routing decision in the demo.
// Mode: read
// Params: none
MATCH (r:SourceRecord)-[x:IN_MEMBER]->(m:Member {status: 'active'}) WHERE x.until IS NULL
WITH m, count(DISTINCT r.payer_id) AS payers
WHERE payers >= 2
RETURN m.member_key AS member_key
ORDER BY m.member_key
LIMIT 1
