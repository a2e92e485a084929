// Purpose: Ids of outbox messages a worker may claim now: pending, due, and not leased (or the lease expired).
// Mode: read
// Params: $now, $limit
MATCH (m:OutboxMessage)
WHERE m.status = 'pending' AND m.due_at <= datetime($now)
  AND (m.lease_until IS NULL OR m.lease_until <= datetime($now))
RETURN m.message_id AS message_id
ORDER BY m.due_at
LIMIT $limit
