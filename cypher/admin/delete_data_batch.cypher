// Purpose: Delete up to $batch_size nodes (and their relationships) but keep the schema record; used by `p2p graph reset` and the test fixture.
// Mode: write
// Params: $batch_size
MATCH (n)
WHERE NOT n:SchemaMigration
WITH n LIMIT $batch_size
DETACH DELETE n
RETURN count(*) AS deleted
