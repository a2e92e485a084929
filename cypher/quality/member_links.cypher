// Purpose: Within each of these active members: the confirmed and disputed links between its current records, and the pairs that must not link (MUST_NOT_LINK, or a link a steward retired).
// Mode: read
// Params: $member_keys
// Links are reached only by expanding from the record (no label on l), as in identity/clustering_inputs.
// A must-not-link pair a steward confirmed is not a conflict: the person's decision stands.
UNWIND $member_keys AS key
MATCH (m:Member {member_key: key})<-[x:IN_MEMBER]-(a:SourceRecord)
WHERE m.status = 'active' AND x.until IS NULL AND NOT (a)-[:SUPERSEDED_BY]->()
CALL (a) {
  MATCH (a)<-[:LINKS]-(l)-[:LINKS]->(b)
  WHERE l.state IN ['confirmed', 'disputed'] AND a.record_id < b.record_id
  RETURN 'link' AS kind, b, l.link_id AS link_id, l.state AS state, l.decided_by AS decided_by,
         l.match_weight AS weight, null AS rule
  UNION ALL
  MATCH (a)<-[:LINKS]-(l)-[:LINKS]->(b)
  WHERE l.state = 'retired' AND l.decided_by = 'steward' AND a.record_id < b.record_id
  RETURN 'never' AS kind, b, l.link_id AS link_id, l.state AS state, l.decided_by AS decided_by,
         null AS weight, 'steward_retired' AS rule
  UNION ALL
  MATCH (a)-[n:MUST_NOT_LINK]-(b)
  WHERE a.record_id < b.record_id
    AND NOT EXISTS { (a)<-[:LINKS]-(s:Link {state: 'confirmed', decided_by: 'steward'})-[:LINKS]->(b) }
  RETURN 'never' AS kind, b, null AS link_id, null AS state, null AS decided_by,
         null AS weight, coalesce(n.rule, 'must_not_link') AS rule
}
WITH key, m, a, b, kind, link_id, state, decided_by, weight, rule
WHERE NOT (b)-[:SUPERSEDED_BY]->() AND EXISTS { (b)-[y:IN_MEMBER]->(m) WHERE y.until IS NULL }
RETURN key AS member_key, kind, a.record_id AS left, b.record_id AS right, link_id, state, decided_by, weight, rule
