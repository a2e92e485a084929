// Purpose: Member data received from other payers: one ReceivedData node per file (one resource type of one transfer), unique on (transfer_id, sha256) so that a re-ingest is recognised.
// Mode: schema
// Params: none
CREATE CONSTRAINT received_data_key IF NOT EXISTS
FOR (d:ReceivedData) REQUIRE (d.transfer_id, d.sha256) IS UNIQUE;
