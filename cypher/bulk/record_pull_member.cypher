// Purpose: Mark a member's data as ingested by a bulk pull, in the transaction that ingests it (so it happens once).
// Mode: write
// Params: $pull_id, $member_key
MERGE (m:BulkPullMember {pull_id: $pull_id, member_key: $member_key})
ON CREATE SET m.ingested_at = datetime()
RETURN m.member_key AS member_key
