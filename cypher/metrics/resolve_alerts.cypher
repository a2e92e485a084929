// Purpose: Resolve the open alerts whose condition no longer holds (their open key is not in $keep).
// Mode: write
// Params: $keep, $at
MATCH (a:Alert)
WHERE a.open_key IS NOT NULL AND NOT a.open_key IN $keep
SET a.status = 'resolved', a.resolved_at = datetime($at)
REMOVE a.open_key
RETURN a.alert_id AS alert_id, a.kind AS kind, a.partner_id AS partner_id, a.severity AS severity
