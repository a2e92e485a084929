// Purpose: Keys of the partner registry (partners, their key sets and change history) and the shared store of used assertion jti values.
// Mode: schema
// Params: none
// A client assertion's jti is remembered until its exp under a uniqueness constraint, so
// every API replica refuses a replay that any other replica already accepted.
CREATE CONSTRAINT partner_id IF NOT EXISTS
FOR (p:Partner) REQUIRE p.partner_id IS UNIQUE;

CREATE CONSTRAINT partner_client_id IF NOT EXISTS
FOR (p:Partner) REQUIRE p.client_id IS UNIQUE;

CREATE CONSTRAINT partner_key_set_id IF NOT EXISTS
FOR (k:PartnerKeySet) REQUIRE k.keys_id IS UNIQUE;

CREATE CONSTRAINT assertion_jti_key IF NOT EXISTS
FOR (j:AssertionJti) REQUIRE j.key IS UNIQUE;

CREATE INDEX assertion_jti_exp IF NOT EXISTS
FOR (j:AssertionJti) ON (j.exp);

CREATE INDEX partner_change_at IF NOT EXISTS
FOR (c:PartnerChange) ON (c.at);
