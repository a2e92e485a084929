// Purpose: Append a batch of sealed events (consecutive seqs, chained) after the head they were sealed on, index their member keys, and move the head to the last one. Appends nothing if the head moved.
// Mode: write
// Params: $events, $prev_seq, $prev_hash
MATCH (h:AuditHead {ledger: 'main'})
WHERE h.seq = $prev_seq AND h.hash = $prev_hash
SET h.seq = $events[-1].seq, h.hash = $events[-1].hash, h.last_at = $events[-1].occurred_at
WITH h
UNWIND $events AS event
CREATE (e:AuditEvent)
SET e = event
FOREACH (key IN event.member_keys |
  MERGE (m:AuditMemberKey {member_key: key})
  CREATE (e)-[:CONCERNS]->(m))
RETURN count(e) AS appended
