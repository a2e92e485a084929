// Purpose: The data files received in one transfer (for Provenance): type, count, sha256, the sending payer, when, and the member they are for.
// Mode: read
// Params: $transfer_id
MATCH (d:ReceivedData {transfer_id: $transfer_id})-[:RECEIVED_FOR]->(m:Member)
RETURN d {.sha256, .transfer_id, .source_partner, .resource_type, .resource_count,
          received_at: toString(d.received_at), member_key: m.member_key} AS received
ORDER BY d.resource_type, d.sha256
