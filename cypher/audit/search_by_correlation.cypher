// Purpose: Audit events with correlation_id = $correlation_id (index on (correlation_id, seq)), narrowed by the other criteria, in chain order after $after up to $until_seq.
// Mode: read
// Params: $member_key, $correlation_id, $case_id, $transfer_id, $partner_id, $after, $until_seq, $limit
MATCH (e:AuditEvent)
WHERE e.correlation_id = $correlation_id AND e.seq > $after AND e.seq <= $until_seq
  AND ($member_key IS NULL OR $member_key IN e.member_keys)
  AND ($correlation_id IS NULL OR e.correlation_id = $correlation_id)
  AND ($case_id IS NULL OR e.case_id = $case_id)
  AND ($transfer_id IS NULL OR e.transfer_id = $transfer_id)
  AND ($partner_id IS NULL OR e.partner_id = $partner_id)
RETURN e {.*} AS event
ORDER BY e.correlation_id, e.seq
LIMIT $limit
