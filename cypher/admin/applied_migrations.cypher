// Purpose: Schema files already applied, with the checksum each had then.
// Mode: read
// Params: none
MATCH (m:SchemaMigration)
RETURN m.name AS name, m.checksum AS checksum, m.applied_at AS applied_at
ORDER BY m.name
