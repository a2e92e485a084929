// Purpose: Transfers (or correlation ids) for which one action was recorded more than once: "was anything done twice?".
// Mode: read
// Params: $action, $by_transfer
// $by_transfer true groups by transfer id, false by correlation id. Scans the events of that action.
MATCH (e:AuditEvent {action: $action})
WITH CASE WHEN $by_transfer THEN e.transfer_id ELSE e.correlation_id END AS subject, count(*) AS times
WHERE subject IS NOT NULL AND times > 1
RETURN subject, times
ORDER BY times DESC, subject
