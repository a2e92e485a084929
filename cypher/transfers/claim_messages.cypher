// Purpose: Lease outbox messages to one worker: each message is locked first, then checked again, so two workers never both hold a valid lease.
// Mode: write
// Params: $ids, $worker, $now, $lease_until, $token
// Nothing but message_id is read before the lock (the SET), so the re-check sees what a concurrent claim committed.
UNWIND $ids AS id
MATCH (m:OutboxMessage {message_id: id})
SET m.lock_probe = $worker
WITH m
WHERE m.status = 'pending' AND (m.lease_until IS NULL OR m.lease_until <= datetime($now))
SET m.lease_owner = $worker, m.lease_until = datetime($lease_until), m.lease_token = $token + ':' + m.message_id,
    m.claims = m.claims + 1,
    m.first_attempt_at = coalesce(m.first_attempt_at, datetime($now))
RETURN m {.message_id, .transfer_id, .step, .attempts, .claims, .lease_token, .idempotency_key,
          first_attempt_at: toString(m.first_attempt_at)} AS message
