// Purpose: SLA monitoring: one metrics snapshot per interval bucket (trends), alerts with one open alert per kind and partner, and the indexes the scrape-time figures read through (decisions and attempts by time, audit events by action).
// Mode: schema
// Params: none
CREATE CONSTRAINT metrics_snapshot_bucket IF NOT EXISTS
FOR (s:MetricsSnapshot) REQUIRE s.bucket IS UNIQUE;

CREATE INDEX metrics_snapshot_at IF NOT EXISTS
FOR (s:MetricsSnapshot) ON (s.at);

CREATE CONSTRAINT alert_id_unique IF NOT EXISTS
FOR (a:Alert) REQUIRE a.alert_id IS UNIQUE;

CREATE CONSTRAINT alert_open_key_unique IF NOT EXISTS
FOR (a:Alert) REQUIRE a.open_key IS UNIQUE;

CREATE INDEX alert_raised_at IF NOT EXISTS
FOR (a:Alert) ON (a.raised_at);

CREATE INDEX match_decision_at IF NOT EXISTS
FOR (d:MatchDecision) ON (d.at);

CREATE INDEX delivery_attempt_started_at IF NOT EXISTS
FOR (a:DeliveryAttempt) ON (a.started_at);

CREATE INDEX audit_event_action IF NOT EXISTS
FOR (e:AuditEvent) ON (e.action, e.occurred_at)
