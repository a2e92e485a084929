// Purpose: Make a new key set current for a partner; its current set stays valid until $valid_until (the overlap); append the history record.
// Mode: write
// Params: $partner_id, $key_set, $valid_until, $change
MATCH (p:Partner {partner_id: $partner_id})
WHERE p.status <> 'revoked'
OPTIONAL MATCH (p)-[:HAS_KEYS]->(old:PartnerKeySet)
WHERE old.valid_until IS NULL
SET old.valid_until = $valid_until
WITH DISTINCT p
OPTIONAL MATCH (p)-[:HAS_CHANGE]->(c:PartnerChange)
WITH p, count(c) AS changes
SET p.updated_at = datetime()
CREATE (p)-[:HAS_KEYS]->(:PartnerKeySet {keys_id: $key_set.keys_id, jwks: $key_set.jwks, jwks_url: $key_set.jwks_url,
                                        added_at: datetime(), valid_until: null})
CREATE (p)-[:HAS_CHANGE]->(:PartnerChange {seq: changes + 1, kind: $change.kind, from_status: $change.from_status,
                                           to_status: $change.to_status, actor: $change.actor,
                                           approval: $change.approval, reason: $change.reason,
                                           details: $change.details, at: datetime()})
RETURN count(p) AS rotated
