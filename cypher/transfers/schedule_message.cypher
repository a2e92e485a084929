// Purpose: Put a transfer's next step in the outbox, due at a time (idempotent on the message id).
// Mode: write
// Params: $message
MERGE (m:OutboxMessage {message_id: $message.message_id})
ON CREATE SET m += $message, m.due_at = datetime($message.due_at), m.created_at = datetime($message.created_at),
              m.status = 'pending', m.attempts = 0, m.claims = 0
RETURN m.message_id AS message_id
