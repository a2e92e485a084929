// Purpose: Our releases of member data (as the previous payer) per partner: how many, how many were not answered within one business day (all time and since $since). Details are canonical JSON, so the flag has one spelling.
// Mode: read
// Params: $since
MATCH (e:AuditEvent)
WHERE e.action = 'member_data.release' AND e.occurred_at IS NOT NULL
WITH e, e.details CONTAINS '"answered_within_one_business_day":false' AS late
RETURN e.partner_id AS partner, count(*) AS releases, sum(CASE WHEN late THEN 1 ELSE 0 END) AS late,
       sum(CASE WHEN late AND e.occurred_at >= $since THEN 1 ELSE 0 END) AS recent_late
ORDER BY partner
