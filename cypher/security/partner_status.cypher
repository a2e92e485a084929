// Purpose: A partner's current status, re-checked (through a short cache) on every request it makes.
// Mode: read
// Params: $partner_id
// Routing: leader
MATCH (p:Partner {partner_id: $partner_id})
RETURN p.status AS status
