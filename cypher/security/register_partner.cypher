// Purpose: Register a new partner with its first key set and the history record of the registration (a duplicate partner or client id violates a constraint).
// Mode: write
// Params: $partner, $key_set, $change
CREATE (p:Partner {partner_id: $partner.partner_id, name: $partner.name, client_id: $partner.client_id,
                   status: $partner.status, scopes: $partner.scopes, identifiers: $partner.identifiers,
                   created_at: datetime(), updated_at: datetime()})
CREATE (p)-[:HAS_KEYS]->(:PartnerKeySet {keys_id: $key_set.keys_id, jwks: $key_set.jwks, jwks_url: $key_set.jwks_url,
                                        added_at: datetime(), valid_until: null})
CREATE (p)-[:HAS_CHANGE]->(:PartnerChange {seq: 1, kind: $change.kind, from_status: $change.from_status,
                                           to_status: $change.to_status, actor: $change.actor,
                                           approval: $change.approval, reason: $change.reason,
                                           details: $change.details, at: datetime()})
RETURN p.partner_id AS partner_id
