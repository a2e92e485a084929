// Purpose: Every change made to a partner (registration, key rotations, status changes), oldest first, with who, when and the approval reference.
// Mode: read
// Params: $partner_id
MATCH (:Partner {partner_id: $partner_id})-[:HAS_CHANGE]->(c:PartnerChange)
RETURN c {.seq, .kind, .from_status, .to_status, .actor, .approval, .reason, .details, .at} AS change
ORDER BY c.seq
