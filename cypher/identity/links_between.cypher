// Purpose: Confirmed links joining one group of records to another (a split retires them).
// Mode: read
// Params: $group, $others
MATCH (a:SourceRecord)<-[:LINKS]-(l:Link)-[:LINKS]->(b:SourceRecord)
WHERE a.record_id IN $group AND b.record_id IN $others AND l.state = 'confirmed'
RETURN DISTINCT l.link_id AS link_id, l.state AS state
