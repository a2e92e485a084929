// Purpose: Indexes that fetch candidate records for new records (incremental runs, real-time matching) by blocking key.
// Mode: schema
// Params: none
CREATE INDEX source_record_dob IF NOT EXISTS
FOR (r:SourceRecord) ON (r.dob);

CREATE INDEX source_record_phone IF NOT EXISTS
FOR (r:SourceRecord) ON (r.phone);

CREATE INDEX source_record_email IF NOT EXISTS
FOR (r:SourceRecord) ON (r.email);

CREATE INDEX source_record_member_id_norm IF NOT EXISTS
FOR (r:SourceRecord) ON (r.member_id_norm);

CREATE INDEX source_record_subscriber_id_norm IF NOT EXISTS
FOR (r:SourceRecord) ON (r.subscriber_id_norm);

CREATE INDEX source_record_name IF NOT EXISTS
FOR (r:SourceRecord) ON (r.last_name_norm, r.first_name_norm);
