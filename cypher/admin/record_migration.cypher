// Purpose: Note that a schema file was applied (first application time is kept).
// Mode: write
// Params: $name, $checksum
MERGE (m:SchemaMigration {name: $name})
ON CREATE SET m.checksum = $checksum, m.applied_at = datetime()
RETURN m.name AS name, m.checksum AS checksum, m.applied_at AS applied_at
