// Purpose: Audit events that concern member $member_key (expanded from its search index node), narrowed by the other criteria, in chain order after $after up to $until_seq.
// Mode: read
// Params: $member_key, $correlation_id, $case_id, $transfer_id, $partner_id, $after, $until_seq, $limit
MATCH (m:AuditMemberKey {member_key: $member_key})<-[:CONCERNS]-(e:AuditEvent)
// seq bounds written as arithmetic so the planner expands from the member (a handful of
// events) instead of scanning the seq index of the whole chain
WHERE e.seq - $after > 0 AND $until_seq - e.seq >= 0
  AND ($correlation_id IS NULL OR e.correlation_id = $correlation_id)
  AND ($case_id IS NULL OR e.case_id = $case_id)
  AND ($transfer_id IS NULL OR e.transfer_id = $transfer_id)
  AND ($partner_id IS NULL OR e.partner_id = $partner_id)
RETURN e {.*} AS event
ORDER BY e.seq
LIMIT $limit
