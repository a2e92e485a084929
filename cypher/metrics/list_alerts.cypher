// Purpose: Alerts, most recently raised first, optionally only those with a status (open or resolved).
// Mode: read
// Params: $status, $limit
MATCH (a:Alert)
WHERE $status IS NULL OR a.status = $status
RETURN a {.alert_id, .kind, .severity, .partner_id, .status, .summary, .value, .threshold,
          raised_at: toString(a.raised_at), last_seen_at: toString(a.last_seen_at),
          resolved_at: toString(a.resolved_at)} AS alert
ORDER BY a.raised_at DESC, a.alert_id
LIMIT $limit
