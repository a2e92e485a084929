// Purpose: One page of active member keys after a given key, in key order (keyset paging for the quality checks).
// Mode: read
// Params: $after, $limit
MATCH (m:Member)
WHERE m.member_key > $after AND m.status = 'active'
RETURN m.member_key AS member_key
ORDER BY member_key
LIMIT $limit
