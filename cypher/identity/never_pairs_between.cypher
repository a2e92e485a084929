// Purpose: Must-not-link pairs and steward retirements between two groups of records (a merge must not join them).
// Mode: read
// Params: $group, $others
MATCH (a:SourceRecord)-[m:MUST_NOT_LINK]-(b:SourceRecord)
WHERE a.record_id IN $group AND b.record_id IN $others
RETURN a.record_id AS left, b.record_id AS right, m.rule AS rule
UNION
MATCH (a:SourceRecord)<-[:LINKS]-(l:Link {state: 'retired', decided_by: 'steward'})-[:LINKS]->(b:SourceRecord)
WHERE a.record_id IN $group AND b.record_id IN $others
RETURN a.record_id AS left, b.record_id AS right, 'RETIRED_BY_STEWARD' AS rule
