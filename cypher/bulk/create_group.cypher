// Purpose: Store the matched members Group of a bulk match (idempotent on its id), with a membership per matched member and the requester's own Patient id.
// Mode: write
// Params: $group, $members
MERGE (g:MemberGroup {group_id: $group.group_id})
ON CREATE SET g += $group, g.created_at = datetime($group.created_at)
WITH g
UNWIND $members AS row
MATCH (m:Member {member_key: row.member_key})
MERGE (g)-[h:HAS_MEMBER {patient_id: row.patient_id}]->(m)
RETURN count(h) AS members
