// Purpose: The audit ledger: one event per sequence number (the backstop against a forked chain), unique event ids, one head, one checkpoint per seq, member keys for search, and the indexes search uses (each ends with seq so pages come in chain order).
// Mode: schema
// Params: none
CREATE CONSTRAINT audit_event_seq_unique IF NOT EXISTS
FOR (e:AuditEvent) REQUIRE e.seq IS UNIQUE;

CREATE CONSTRAINT audit_event_id_unique IF NOT EXISTS
FOR (e:AuditEvent) REQUIRE e.event_id IS UNIQUE;

CREATE CONSTRAINT audit_head_ledger_unique IF NOT EXISTS
FOR (h:AuditHead) REQUIRE h.ledger IS UNIQUE;

CREATE CONSTRAINT audit_checkpoint_seq_unique IF NOT EXISTS
FOR (c:AuditCheckpoint) REQUIRE c.seq IS UNIQUE;

CREATE CONSTRAINT audit_member_key_unique IF NOT EXISTS
FOR (m:AuditMemberKey) REQUIRE m.member_key IS UNIQUE;

CREATE INDEX audit_event_correlation IF NOT EXISTS
FOR (e:AuditEvent) ON (e.correlation_id, e.seq);

CREATE INDEX audit_event_case IF NOT EXISTS
FOR (e:AuditEvent) ON (e.case_id, e.seq);

CREATE INDEX audit_event_transfer IF NOT EXISTS
FOR (e:AuditEvent) ON (e.transfer_id, e.seq);

CREATE INDEX audit_event_partner IF NOT EXISTS
FOR (e:AuditEvent) ON (e.partner_id, e.seq);

CREATE INDEX audit_event_occurred_at IF NOT EXISTS
FOR (e:AuditEvent) ON (e.occurred_at)
