// Purpose: Give a message back for a later retry after a transient failure, only while the caller still holds its lease.
// Mode: write
// Params: $message_id, $lease_token, $due_at, $error
MATCH (m:OutboxMessage {message_id: $message_id})
WHERE m.status = 'pending' AND m.lease_token = $lease_token
SET m.due_at = datetime($due_at), m.lease_until = null, m.lease_owner = null, m.attempts = m.attempts + 1,
    m.last_error = $error
RETURN m.message_id AS message_id
