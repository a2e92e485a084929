// Purpose: A partner's own member Groups, newest first, optionally of one code, a page at a time.
// Mode: read
// Params: $partner_id, $code, $limit
MATCH (g:MemberGroup {owner_partner_id: $partner_id})
WHERE $code IS NULL OR g.code = $code
RETURN g {.*, created_at: toString(g.created_at)} AS group
ORDER BY g.created_at DESC
LIMIT $limit
