// Purpose: Wait until every index is online (after an import the indexes are built over the imported data).
// Mode: write
// Params: $timeout_s
CALL db.awaitIndexes($timeout_s)
