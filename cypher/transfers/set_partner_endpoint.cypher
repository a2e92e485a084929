// Purpose: Where and how we call a registered partner as the new payer: its FHIR base URL, token endpoint, the client id it gave us and the scopes we ask for.
// Mode: write
// Params: $endpoint
MATCH (p:Partner {partner_id: $endpoint.partner_id})
MERGE (e:PartnerEndpoint {partner_id: $endpoint.partner_id})
SET e += $endpoint, e.updated_at = datetime()
MERGE (p)-[:REACHED_AT]->(e)
RETURN e.partner_id AS partner_id
