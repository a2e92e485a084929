// Purpose: Retire members left without records and redirect each key to the member that took most of its records.
// Mode: write
// Params: $member_keys, $actor, $reason
UNWIND $member_keys AS key
MATCH (m:Member {member_key: key, status: 'active'})
WHERE NOT EXISTS { (:SourceRecord)-[x:IN_MEMBER]->(m) WHERE x.until IS NULL }
OPTIONAL MATCH (r:SourceRecord)-[old:IN_MEMBER]->(m)
OPTIONAL MATCH (r)-[now:IN_MEMBER]->(successor:Member) WHERE now.until IS NULL
WITH m, successor, count(r) AS moved ORDER BY moved DESC
WITH m, collect(successor)[0] AS successor
SET m.status = 'retired', m.retired_at = datetime(), m.retired_by = $actor, m.retire_reason = $reason
FOREACH (_ IN CASE WHEN successor IS NULL THEN [] ELSE [1] END |
  MERGE (m)-[:REDIRECTS_TO {at: datetime(), actor: $actor, reason: $reason}]->(successor))
RETURN count(m) AS retired
