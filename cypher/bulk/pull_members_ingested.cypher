// Purpose: The members whose data a bulk pull has ingested (a resumed pull skips them).
// Mode: read
// Params: $pull_id
MATCH (m:BulkPullMember {pull_id: $pull_id})
RETURN m.member_key AS member_key
