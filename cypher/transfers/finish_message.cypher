// Purpose: Close an outbox message, only while the caller still holds its lease (the fencing token); no row means the lease was lost and the caller must roll back.
// Mode: write
// Params: $message_id, $lease_token, $at
MATCH (m:OutboxMessage {message_id: $message_id})
WHERE m.status = 'pending' AND m.lease_token = $lease_token
SET m.status = 'done', m.done_at = datetime($at), m.lease_until = null, m.attempts = m.attempts + 1
RETURN m.message_id AS message_id
