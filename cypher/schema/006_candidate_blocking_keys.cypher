// Purpose: Composite indexes matching the blocking rules, so candidates for new records are fetched by the same keys batch matching blocks on (not by DOB alone).
// Mode: schema
// Params: none
CREATE INDEX source_record_dob_zip IF NOT EXISTS
FOR (r:SourceRecord) ON (r.dob, r.zip5);

CREATE INDEX source_record_dob_first_name IF NOT EXISTS
FOR (r:SourceRecord) ON (r.dob, r.first_name_norm);
