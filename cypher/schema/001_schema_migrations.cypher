// Purpose: Record of which schema files were applied, so `p2p graph schema` is idempotent and auditable.
// Mode: schema
// Params: none
CREATE CONSTRAINT schema_migration_name IF NOT EXISTS
FOR (m:SchemaMigration) REQUIRE m.name IS UNIQUE;
