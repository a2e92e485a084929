// Purpose: The snapshots taken since a moment, oldest first, at most $limit (the latest ones).
// Mode: read
// Params: $since, $limit
MATCH (s:MetricsSnapshot)
WHERE s.at >= datetime($since)
WITH s ORDER BY s.at DESC LIMIT $limit
RETURN s {.*, at: toString(s.at)} AS snapshot
ORDER BY snapshot.at
