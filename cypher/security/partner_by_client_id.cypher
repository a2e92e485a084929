// Purpose: A partner by its OAuth client id, with the key sets still valid now (current first), to verify a client assertion.
// Mode: read
// Params: $client_id
MATCH (p:Partner {client_id: $client_id})
OPTIONAL MATCH (p)-[:HAS_KEYS]->(k:PartnerKeySet)
WHERE k.valid_until IS NULL OR k.valid_until > datetime()
WITH p, k ORDER BY k.added_at DESC
RETURN p {.partner_id, .name, .client_id, .status, .scopes, .identifiers} AS partner,
       collect(k {.keys_id, .jwks, .jwks_url, valid_until_s: k.valid_until.epochSeconds}) AS key_sets
