// Purpose: Outbox messages due and not yet taken, and how far behind the oldest of them is (seconds).
// Mode: read
// Params: $now
MATCH (m:OutboxMessage)
WHERE m.status = 'pending' AND m.due_at <= datetime($now)
WITH count(m) AS due, min(m.due_at) AS oldest
RETURN due, CASE WHEN oldest IS NULL THEN 0.0
                 ELSE duration.inSeconds(oldest, datetime($now)).milliseconds / 1000.0 END AS lag_s
