// Purpose: Withdraw a transfer's pending outbox messages (it was cancelled, superseded or re-driven).
// Mode: write
// Params: $transfer_id, $at
MATCH (m:OutboxMessage {transfer_id: $transfer_id})
WHERE m.status = 'pending'
SET m.status = 'withdrawn', m.done_at = datetime($at), m.lease_until = null
RETURN count(m) AS withdrawn
