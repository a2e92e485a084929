// Purpose: Move records to their (new) member; the old membership is closed, not deleted, so lineage stays.
// Mode: write
// Params: $rows, $actor, $reason
UNWIND $rows AS row
MATCH (r:SourceRecord {record_id: row.record_id}) WHERE NOT (r)-[:SUPERSEDED_BY]->()
MERGE (mem:Member {member_key: row.member_key})
ON CREATE SET mem.status = 'active', mem.created_at = datetime(), mem.created_by = $actor
SET mem.status = 'active'
WITH r, mem
OPTIONAL MATCH (r)-[old:IN_MEMBER]->(other:Member) WHERE old.until IS NULL AND other <> mem
SET old.until = datetime(), old.closed_by = $actor, old.close_reason = $reason
WITH r, mem
WHERE NOT EXISTS { (r)-[x:IN_MEMBER]->(mem) WHERE x.until IS NULL }
CREATE (r)-[:IN_MEMBER {since: datetime(), actor: $actor, reason: $reason}]->(mem)
RETURN count(*) AS moved
