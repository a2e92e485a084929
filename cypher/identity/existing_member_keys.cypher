// Purpose: Which of these member keys already exist (in any status), so a new cluster never reuses a retired key.
// Mode: read
// Params: $member_keys
UNWIND $member_keys AS key
MATCH (m:Member {member_key: key})
RETURN m.member_key AS member_key
