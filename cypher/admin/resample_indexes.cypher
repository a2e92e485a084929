// Purpose: Refresh index statistics after a bulk load so the planner sees the graph as it now is.
// Mode: write
// Params: none
CALL db.resampleOutdatedIndexes()
