// Purpose: Transfers per partner and state (rejections also per reason): how many, how many were requested late (all time and since $since), and how long the oldest has waited in that state.
// Mode: read
// Params: $now, $since
MATCH (t:Transfer)
WITH t.partner_id AS partner, t.state AS state, CASE WHEN t.state = 'rejected' THEN t.reason END AS reason,
     count(*) AS transfers, min(t.updated_at) AS oldest_change,
     sum(CASE WHEN t.request_late THEN 1 ELSE 0 END) AS late,
     sum(CASE WHEN t.request_late AND t.created_at >= datetime($since) THEN 1 ELSE 0 END) AS recent_late
RETURN partner, state, reason, transfers, late, recent_late,
       duration.inSeconds(oldest_change, datetime($now)).seconds AS oldest_age_s
ORDER BY partner, state, reason
