// Purpose: Every registered partner with its status, scopes and how many key sets are valid now.
// Mode: read
// Params: none
MATCH (p:Partner)
OPTIONAL MATCH (p)-[:HAS_KEYS]->(k:PartnerKeySet)
WHERE k.valid_until IS NULL OR k.valid_until > datetime()
RETURN p.partner_id AS partner_id, p.name AS name, p.client_id AS client_id, p.status AS status,
       p.scopes AS scopes, p.identifiers AS identifiers, count(k) AS valid_key_sets, p.updated_at AS updated_at
ORDER BY partner_id
