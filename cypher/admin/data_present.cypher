// Purpose: Whether the database holds anything besides the schema record (an initial bulk import needs it empty).
// Mode: read
// Params: none
RETURN EXISTS { MATCH (n) WHERE NOT n:SchemaMigration } AS present
