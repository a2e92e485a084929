// Purpose: Record one delivery attempt of a transfer step (transport state: status, latency, error class), idempotent on its id.
// Mode: write
// Params: $attempt
MATCH (t:Transfer {transfer_id: $attempt.transfer_id})
MERGE (a:DeliveryAttempt {attempt_id: $attempt.attempt_id})
ON CREATE SET a += $attempt, a.started_at = datetime($attempt.started_at)
MERGE (t)-[:ATTEMPTED]->(a)
RETURN a.attempt_id AS attempt_id
