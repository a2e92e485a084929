// Purpose: Evidence and FHIR export lookups: received data by transfer (Provenance of a transfer's data) (the audit event lookups by transfer and correlation id are in 030).
// Mode: schema
// Params: none
CREATE INDEX received_data_transfer IF NOT EXISTS
FOR (d:ReceivedData) ON (d.transfer_id);
