// Purpose: Mark a member's data as ingested by a bulk pull, in the transaction that ingests it (so it happens once), only while the caller holds the pull's lease (no row: taken over, roll the ingestion back).
// Mode: write
// Params: $pull_id, $token, $member_key
MATCH (p:BulkPull {pull_id: $pull_id})
SET p.lock_probe = $token
WITH p
WHERE p.lease_token = $token
MERGE (m:BulkPullMember {pull_id: $pull_id, member_key: $member_key})
ON CREATE SET m.ingested_at = datetime()
RETURN m.member_key AS member_key
