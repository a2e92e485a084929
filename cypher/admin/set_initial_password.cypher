// Purpose: Replace Neo4j's first-start password on the project's own local server (system database).
// Mode: write
// Params: $old, $new
ALTER CURRENT USER SET PASSWORD FROM $old TO $new
