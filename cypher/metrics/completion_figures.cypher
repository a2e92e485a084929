// Purpose: Completed transfers per partner: how many, how many passed first time (no failed delivery attempt), and the time from request to final acknowledgment (sum and percentiles, seconds).
// Mode: read
// Params: none
MATCH (t:Transfer {state: 'completed'})
WITH t, duration.inSeconds(t.created_at, t.updated_at).milliseconds / 1000.0 AS took,
     COUNT { (t)-[:ATTEMPTED]->(a:DeliveryAttempt) WHERE a.error_class IS NOT NULL } = 0 AS first_pass
RETURN t.partner_id AS partner, count(*) AS completed, sum(CASE WHEN first_pass THEN 1 ELSE 0 END) AS first_pass,
       sum(took) AS took_sum_s, percentileCont(took, 0.5) AS took_p50_s, percentileCont(took, 0.95) AS took_p95_s
ORDER BY partner
