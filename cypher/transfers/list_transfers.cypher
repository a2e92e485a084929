// Purpose: Transfers in a state and/or with an owner (null = any), most recently changed first, one page at a time.
// Mode: read
// Params: $state, $owner, $limit
MATCH (t:Transfer)
WHERE ($state IS NULL OR t.state = $state) AND ($owner IS NULL OR t.owner = $owner)
RETURN t {.transfer_id, .state, .owner, .reason, .member_key, .partner_id, .correlation_id, .request_late,
          created_at: toString(t.created_at), updated_at: toString(t.updated_at)} AS transfer
ORDER BY t.updated_at DESC, t.transfer_id
LIMIT $limit
