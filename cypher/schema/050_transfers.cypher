// Purpose: The transfer workflow: one transfer per id and per business intent, its outbox messages (claimed by workers with leases), its delivery attempts, and the lookups operators and workers use.
// Mode: schema
// Params: none
CREATE CONSTRAINT transfer_id_unique IF NOT EXISTS
FOR (t:Transfer) REQUIRE t.transfer_id IS UNIQUE;

CREATE CONSTRAINT transfer_intent_unique IF NOT EXISTS
FOR (t:Transfer) REQUIRE t.intent_key IS UNIQUE;

CREATE CONSTRAINT outbox_message_id_unique IF NOT EXISTS
FOR (m:OutboxMessage) REQUIRE m.message_id IS UNIQUE;

CREATE CONSTRAINT delivery_attempt_id_unique IF NOT EXISTS
FOR (a:DeliveryAttempt) REQUIRE a.attempt_id IS UNIQUE;

CREATE CONSTRAINT partner_endpoint_unique IF NOT EXISTS
FOR (e:PartnerEndpoint) REQUIRE e.partner_id IS UNIQUE;

CREATE INDEX outbox_due IF NOT EXISTS
FOR (m:OutboxMessage) ON (m.status, m.due_at);

CREATE INDEX outbox_transfer IF NOT EXISTS
FOR (m:OutboxMessage) ON (m.transfer_id);

CREATE INDEX transfer_state IF NOT EXISTS
FOR (t:Transfer) ON (t.state, t.updated_at);

CREATE INDEX transfer_correlation IF NOT EXISTS
FOR (t:Transfer) ON (t.correlation_id);
