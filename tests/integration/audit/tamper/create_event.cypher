// Purpose: TEST ONLY: create an event node directly (a forgery).
// Mode: write
// Params: $event
CREATE (e:AuditEvent)
SET e = $event
