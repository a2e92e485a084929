// Purpose: The member a partner was told about by a unique $member-match (its returned identifier), with our record that matched; nothing for members the partner never matched.
// Mode: read
// Params: $member_key, $partner_id
MATCH (d:MatchDecision {partner_id: $partner_id, outcome: 'unique_match'})-[:IDENTIFIED]->(m:Member {member_key: $member_key})
WITH m, d ORDER BY d.at DESC LIMIT 1
MATCH (r:SourceRecord {record_id: d.record_id}) WHERE NOT (r)-[:SUPERSEDED_BY]->()
RETURN m.member_key AS member_key, m.status AS status,
       r {.first_name, .middle_name, .last_name, .suffix, .dob, .sex} AS record
