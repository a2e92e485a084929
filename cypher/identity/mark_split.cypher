// Purpose: Record that a member was created by a steward's split of another.
// Mode: write
// Params: $new_member_key, $old_member_key, $actor, $reason
MATCH (new:Member {member_key: $new_member_key}), (old:Member {member_key: $old_member_key})
MERGE (new)-[s:SPLIT_FROM]->(old)
ON CREATE SET s.at = datetime(), s.actor = $actor, s.reason = $reason
RETURN count(s) AS marked
