// Purpose: What we send about our own member in a $member-match: the demographics of our current record at our payer, the one carrying the member id of our coverage first, then records with a birth date.
// Mode: read
// Params: $member_key, $payer_id, $member_id
MATCH (r:SourceRecord)-[x:IN_MEMBER]->(:Member {member_key: $member_key})
WHERE x.until IS NULL AND r.payer_id = $payer_id AND NOT (r)-[:SUPERSEDED_BY]->()
RETURN r {.record_id, .first_name, .middle_name, .last_name, .suffix, .dob, .sex, .address_line1, .address_line2,
          .city, .state, .zip, .phone, .email} AS record
ORDER BY CASE WHEN r.member_id = $member_id THEN 0 ELSE 1 END, CASE WHEN r.dob IS NULL THEN 1 ELSE 0 END, r.record_id
LIMIT 1
