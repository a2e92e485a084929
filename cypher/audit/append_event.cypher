// Purpose: Append one sealed event after the head it was sealed on, index its member keys for search, and move the head. Creates nothing if the head moved.
// Mode: write
// Params: $event, $prev_seq
MATCH (h:AuditHead {ledger: 'main'})
WHERE h.seq = $prev_seq AND h.hash = $event.prev_hash
CREATE (e:AuditEvent)
SET e = $event
SET h.seq = $event.seq, h.hash = $event.hash, h.last_at = $event.occurred_at
FOREACH (key IN $event.member_keys |
  MERGE (m:AuditMemberKey {member_key: key})
  CREATE (e)-[:CONCERNS]->(m))
RETURN e.seq AS seq
