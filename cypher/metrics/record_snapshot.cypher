// Purpose: Keep one snapshot of the SLA figures per interval bucket; `created` says whether this call wrote it (several API processes share one bucket).
// Mode: write
// Params: $snapshot
MERGE (s:MetricsSnapshot {bucket: $snapshot.bucket})
ON CREATE SET s += $snapshot, s.at = datetime($snapshot.at), s.created = true
WITH s, coalesce(s.created, false) AS created
REMOVE s.created
RETURN created
