// Purpose: Move a batch of links to a new state, only from the state the decision was made on, and append the history event.
// Mode: write
// Params: $rows
UNWIND $rows AS row
MATCH (l:Link {link_id: row.link_id})
WHERE l.state = row.from_state
OPTIONAL MATCH (l)-[:HAS_EVENT]->(e:LinkEvent)
WITH l, row, count(e) AS events
SET l.state = row.to_state, l.decided_by = row.decided_by, l.actor = row.actor, l.reason = row.reason,
    l.updated_at = datetime()
CREATE (l)-[:HAS_EVENT]->(:LinkEvent {seq: events + 1, from_state: row.from_state, to_state: row.to_state,
                                      at: datetime(), actor: row.actor, reason: row.reason, evidence: row.evidence})
RETURN count(l) AS moved, collect(l.link_id) AS link_ids
