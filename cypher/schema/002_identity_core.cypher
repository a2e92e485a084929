// Purpose: Keys of the identity graph: source record versions and resolved members.
// Mode: schema
// Params: none
// A SourceRecord is one version of a member record as a source system holds it; its
// record_key (payer|system|record id|content hash) never changes. A Member's member_key
// is the stable enterprise key.
CREATE CONSTRAINT source_record_key IF NOT EXISTS
FOR (r:SourceRecord) REQUIRE r.record_key IS UNIQUE;

CREATE CONSTRAINT member_key IF NOT EXISTS
FOR (m:Member) REQUIRE m.member_key IS UNIQUE;

CREATE INDEX source_record_member_id IF NOT EXISTS
FOR (r:SourceRecord) ON (r.payer_id, r.member_id);

CREATE INDEX source_record_subscriber_id IF NOT EXISTS
FOR (r:SourceRecord) ON (r.payer_id, r.subscriber_id);

CREATE INDEX source_record_dob_name IF NOT EXISTS
FOR (r:SourceRecord) ON (r.dob, r.last_name_key);
