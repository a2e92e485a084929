// Purpose: Create a batch of links between current record versions, each with its first history event (idempotent by link_id).
// Mode: write
// Params: $rows, $run_id, $model_version
UNWIND $rows AS row
MATCH (a:SourceRecord {record_id: row.left}) WHERE NOT (a)-[:SUPERSEDED_BY]->()
MATCH (b:SourceRecord {record_id: row.right}) WHERE NOT (b)-[:SUPERSEDED_BY]->()
MERGE (l:Link {link_id: row.link_id})
ON CREATE SET l.pair_key = row.pair_key, l.state = row.state, l.decided_by = row.decided_by,
              l.actor = row.actor, l.reason = row.reason, l.run_id = $run_id, l.model_version = $model_version,
              l.match_weight = row.match_weight, l.match_probability = row.match_probability,
              l.contributions = row.contributions, l.blocking_rule = row.blocking_rule,
              l.must_not_link = row.must_not_link, l.created_at = datetime(), l.updated_at = datetime(),
              l._new = true
WITH l, a, b, row
WHERE l._new
CREATE (l)-[:LINKS {side: 'left'}]->(a), (l)-[:LINKS {side: 'right'}]->(b),
       (l)-[:HAS_EVENT]->(:LinkEvent {seq: 1, from_state: null, to_state: row.state, at: datetime(),
                                      actor: row.actor, reason: row.reason, evidence: row.evidence})
REMOVE l._new
WITH l, row
OPTIONAL MATCH (old:Link {link_id: row.supersedes})
FOREACH (_ IN CASE WHEN old IS NULL THEN [] ELSE [1] END | MERGE (l)-[:SUPERSEDES]->(old))
RETURN count(l) AS created
