// Purpose: Delivery attempts per partner and step: attempts, retries, failures, timeouts (all time and since $recent_since), latency sum and cumulative counts at or under each bound of $bounds_ms (a histogram).
// Mode: read
// Params: $bounds_ms, $recent_since
MATCH (t:Transfer)-[:ATTEMPTED]->(a:DeliveryAttempt)
WITH t.partner_id AS partner, a.step AS step, count(a) AS attempts,
     sum(CASE WHEN a.number > 1 THEN 1 ELSE 0 END) AS retries,
     sum(CASE WHEN a.error_class IS NOT NULL THEN 1 ELSE 0 END) AS failures,
     sum(CASE WHEN a.error_class = 'timeout' THEN 1 ELSE 0 END) AS timeouts,
     sum(CASE WHEN a.started_at >= datetime($recent_since) THEN 1 ELSE 0 END) AS recent_attempts,
     sum(CASE WHEN a.started_at >= datetime($recent_since) AND a.error_class = 'timeout' THEN 1 ELSE 0 END)
       AS recent_timeouts,
     sum(a.latency_ms) AS latency_ms_sum, collect(a.latency_ms) AS latencies
RETURN partner, step, attempts, retries, failures, timeouts, recent_attempts, recent_timeouts, latency_ms_sum,
       [bound IN $bounds_ms | size([l IN latencies WHERE l <= bound])] AS buckets
ORDER BY partner, step
