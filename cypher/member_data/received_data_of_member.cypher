// Purpose: The data files received for a member (newest first): type, count, size, sha256, from which payer in which transfer.
// Mode: read
// Params: $member_key
MATCH (d:ReceivedData)-[:RECEIVED_FOR]->(:Member {member_key: $member_key})
RETURN d {.sha256, .transfer_id, .source_partner, .resource_type, .resource_count, .bytes, .path, .provenance,
          received_at: toString(d.received_at)} AS received
ORDER BY d.received_at DESC, d.resource_type
