// Purpose: Record a new payer's acknowledgment that it received a member's history from us, once per (partner, their transfer id); `created` says whether this call recorded it.
// Mode: write
// Params: $ack
MATCH (m:Member {member_key: $ack.member_key})
MERGE (a:TransferAcknowledgment {ack_key: $ack.ack_key})
ON CREATE SET a += $ack, a.received_at = datetime($ack.received_at), a.created = true
ON MATCH SET a.created = false
MERGE (a)-[:FOR_MEMBER]->(m)
WITH a, a.created AS created
REMOVE a.created
RETURN created, a.content_sha256 AS content_sha256, a.resources AS resources
