// Purpose: One member Group (the caller checks the owner).
// Mode: read
// Params: $group_id
MATCH (g:MemberGroup {group_id: $group_id})
RETURN g {.*, created_at: toString(g.created_at)} AS group
