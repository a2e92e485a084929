// Purpose: Raise an alert, or refresh the open one of the same kind and partner; `created` says whether it is new.
// Mode: write
// Params: $alert, $at
MERGE (a:Alert {open_key: $alert.open_key})
ON CREATE SET a += $alert, a.raised_at = datetime($at), a.status = 'open', a.created = true
SET a.last_seen_at = datetime($at), a.severity = $alert.severity, a.value = $alert.value, a.summary = $alert.summary
WITH a, coalesce(a.created, false) AS created
REMOVE a.created
RETURN created, a.alert_id AS alert_id
