// Purpose: The endpoint of a registered partner we call as the new payer, with the partner's status and identifiers.
// Mode: read
// Params: $partner_id
MATCH (p:Partner {partner_id: $partner_id})
OPTIONAL MATCH (p)-[:REACHED_AT]->(e:PartnerEndpoint)
RETURN p.partner_id AS partner_id, p.status AS status, p.identifiers AS identifiers,
       e {.fhir_base_url, .token_url, .client_id, .scope} AS endpoint
