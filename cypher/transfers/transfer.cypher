// Purpose: One transfer with its history (oldest first), its delivery attempts (oldest first) and its pending outbox message.
// Mode: read
// Params: $transfer_id
MATCH (t:Transfer {transfer_id: $transfer_id})
RETURN t {.*, created_at: toString(t.created_at), updated_at: toString(t.updated_at)} AS transfer,
       COLLECT {
         MATCH (t)-[:HAD]->(h:TransferEvent)
         RETURN h {.*, at: toString(h.at)} AS h ORDER BY h.at, h.seq
       } AS history,
       COLLECT {
         MATCH (t)-[:ATTEMPTED]->(a:DeliveryAttempt)
         RETURN a {.*, started_at: toString(a.started_at)} AS a ORDER BY a.started_at
       } AS attempts,
       COLLECT {
         MATCH (m:OutboxMessage {transfer_id: t.transfer_id}) WHERE m.status = 'pending'
         RETURN m {.message_id, .step, .attempts, .last_error, due_at: toString(m.due_at),
                   lease_until: toString(m.lease_until)} AS m
       } AS pending
