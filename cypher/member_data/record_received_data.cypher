// Purpose: Record one received NDJSON file of a member's data (one resource type of one transfer), with its provenance (which payer sent it in which transfer); MERGE on (transfer_id, sha256), so receiving the same file again changes nothing.
// Mode: write
// Params: $received, $member_key
MATCH (m:Member {member_key: $member_key})
MERGE (d:ReceivedData {transfer_id: $received.transfer_id, sha256: $received.sha256})
ON CREATE SET d += $received, d.received_at = datetime($received.received_at),
              d.provenance = 'received from payer ' + $received.source_partner + ' in transfer ' + $received.transfer_id
MERGE (d)-[:RECEIVED_FOR]->(m)
RETURN d.sha256 AS sha256, d.ingest_id = $received.ingest_id AS created
