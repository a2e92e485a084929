// Purpose: Current records sharing a blocking key with any of the given keys (DOB, phone, email, member or subscriber id, full name), through indexes.
// Mode: read
// Params: $dobs, $phones, $emails, $member_ids, $subscriber_ids, $names
CALL () {
  UNWIND $dobs AS v MATCH (r:SourceRecord {dob: v}) RETURN r
  UNION
  UNWIND $phones AS v MATCH (r:SourceRecord {phone: v}) RETURN r
  UNION
  UNWIND $emails AS v MATCH (r:SourceRecord {email: v}) RETURN r
  UNION
  UNWIND $member_ids AS v MATCH (r:SourceRecord {member_id_norm: v}) RETURN r
  UNION
  UNWIND $subscriber_ids AS v MATCH (r:SourceRecord {subscriber_id_norm: v}) RETURN r
  UNION
  UNWIND $names AS v MATCH (r:SourceRecord {last_name_norm: v[0], first_name_norm: v[1]}) RETURN r
}
WITH r WHERE NOT (r)-[:SUPERSEDED_BY]->()
RETURN r {.*} AS record
