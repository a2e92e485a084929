// Purpose: Current records sharing a blocking key with any of the given keys (as the blocking rules pair records), through indexes.
// Mode: read
// Params: $dob_zips, $dob_last_names, $dob_first_names, $phones, $emails, $member_ids, $names, $columns
// Keys are the blocking rules' own (DOB with ZIP, with surname sound or with first name; full
// name; phone; email; member id), so a new record meets the candidates a batch run would pair
// it with, not everyone born the same day. Each record comes back as the values of $columns
// (the model's columns, in that order): a whole record is ~45 properties the scorer never reads.
CALL () {
  UNWIND $dob_zips AS v MATCH (r:SourceRecord {dob: v[0], zip5: v[1]}) RETURN r
  UNION
  UNWIND $dob_last_names AS v MATCH (r:SourceRecord {dob: v[0], last_name_key: v[1]}) RETURN r
  UNION
  UNWIND $dob_first_names AS v MATCH (r:SourceRecord {dob: v[0], first_name_norm: v[1]}) RETURN r
  UNION
  UNWIND $phones AS v MATCH (r:SourceRecord {phone: v}) RETURN r
  UNION
  UNWIND $emails AS v MATCH (r:SourceRecord {email: v}) RETURN r
  UNION
  UNWIND $member_ids AS v MATCH (r:SourceRecord {member_id_norm: v}) RETURN r
  UNION
  UNWIND $names AS v MATCH (r:SourceRecord {last_name_norm: v[0], first_name_norm: v[1]}) RETURN r
}
WITH r WHERE NOT (r)-[:SUPERSEDED_BY]->()
RETURN [c IN $columns | r[c]] AS values
