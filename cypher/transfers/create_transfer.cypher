// Purpose: Create a transfer in its first state, with its first history entry, tied to our member.
// Mode: write
// Params: $transfer, $history
// The intent_key constraint refuses a second transfer for the same business intent (the caller then reads the first).
MATCH (m:Member {member_key: $transfer.member_key})
CREATE (t:Transfer)
SET t = $transfer, t.created_at = datetime($transfer.created_at), t.updated_at = datetime($transfer.created_at),
    t.version = 1
CREATE (t)-[:FOR_MEMBER]->(m)
CREATE (t)-[:HAD]->(h:TransferEvent)
SET h = $history, h.at = datetime($history.at)
RETURN t.transfer_id AS transfer_id
